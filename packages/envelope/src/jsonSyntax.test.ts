import { describe, expect, it } from 'vitest';
import { utf8Encode } from './bytes.ts';
import { jsonSyntaxError } from './jsonSyntax.ts';
import { parseEnvelope } from './parse.ts';
import { envelopeFixtures } from './test/fixtures.ts';

/** What JSON.parse says of the same bytes (decoded as the parser used to decode them). */
function parses(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}

const VALID = [
  '{}',
  '[]',
  ' \t\r\n{ "a" : [ 1 , -2.5e+3 , 0 , 0.0 , 1E9 , true , false , null , "x" ] } \n',
  '"plain"',
  '"escapes \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00"',
  '"utf-8 é 😀 ✓"',
  '-0',
  '123',
  '[[[[[[[[[[]]]]]]]]]]',
  '{"a":{"b":{"c":[{"d":null}]}}}',
  '{"":""}',
];

const INVALID = [
  '',
  ' ',
  '{',
  '}',
  '[1,]',
  '{"a":1,}',
  '{"a"}',
  '{a:1}',
  "{'a':1}",
  '[1 2]',
  '{"a":1 "b":2}',
  '01',
  '-',
  '1.',
  '.5',
  '1e',
  '1e+',
  '+1',
  'tru',
  'nul',
  'True',
  'NaN',
  'Infinity',
  '"unterminated',
  '"bad escape \\x"',
  '"short \\u12"',
  '"\\u12G4"',
  '"raw \u0001 control"',
  '"raw \t tab"',
  '{} {}',
  '[] x',
  '[',
  '[[]',
  '{"a":[}',
  '\uFEFF{}',
];

describe('jsonSyntaxError', () => {
  it.each(VALID)('accepts %j, as JSON.parse does', (text) => {
    const bytes = utf8Encode(text);
    expect(parses(bytes)).toBe(true);
    expect(jsonSyntaxError(bytes)).toBeUndefined();
  });

  it.each(INVALID)('rejects %j, as JSON.parse does', (text) => {
    const bytes = utf8Encode(text);
    expect(parses(bytes)).toBe(false);
    const error = jsonSyntaxError(bytes);
    expect(error?.reason).toMatch(/^unexpected (end of JSON|".{1,2}"|byte 0x[0-9a-f]{2})$/);
    expect(error?.at).toBeGreaterThanOrEqual(0);
    expect(error?.at).toBeLessThanOrEqual(bytes.length);
  });

  it('says where and why', () => {
    expect(jsonSyntaxError(utf8Encode('{"a":[1,2,}'))).toEqual({ at: 10, reason: 'unexpected "}"' });
    expect(jsonSyntaxError(utf8Encode('{"a":'))).toEqual({ at: 5, reason: 'unexpected end of JSON' });
    expect(jsonSyntaxError(utf8Encode('"a\u0001"'))).toEqual({ at: 2, reason: 'unexpected byte 0x01' });
  });

  it('checks only the range it is given', () => {
    const bytes = utf8Encode('xx{"a":1}yy');
    expect(jsonSyntaxError(bytes, 2, 9)).toBeUndefined();
    expect(jsonSyntaxError(bytes, 2, 8)).toEqual({ at: 8, reason: 'unexpected end of JSON' });
  });

  it('takes nesting far deeper than a recursive checker could', () => {
    const depth = 200_000;
    expect(jsonSyntaxError(utf8Encode(`${'['.repeat(depth)}${']'.repeat(depth)}`))).toBeUndefined();
    expect(jsonSyntaxError(utf8Encode(`${'['.repeat(depth)}${']'.repeat(depth - 1)}`))).toEqual({
      at: 2 * depth - 1,
      reason: 'unexpected end of JSON',
    });
  });

  it('agrees with JSON.parse on every captured payload and on thousands of corruptions of them', () => {
    const payloads: Uint8Array[] = [];
    for (const { bytes } of envelopeFixtures()) {
      for (const item of parseEnvelope(bytes, { validateJsonPayloads: false }).items) {
        if (item.payload.length > 0 && item.payload.length < 200_000 && parses(item.payload)) payloads.push(item.payload);
      }
    }
    expect(payloads.length).toBeGreaterThan(20);
    for (const payload of payloads) expect(jsonSyntaxError(payload)).toBeUndefined();
    // Deterministic corruptions: one byte replaced, removed or inserted, at spread positions.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // Bytes JSON gives a meaning to, and two that start or break a UTF-8 sequence.
    const interesting = new Uint8Array([...utf8Encode('{}[]",:\\ 0-.eE+tfnux\u0001\t\n'), 0xc3, 0xff]);
    let disagreements = 0;
    for (let round = 0; round < 4000; round++) {
      const payload = payloads[random(payloads.length)] as Uint8Array;
      const at = random(payload.length);
      const byte = interesting[random(interesting.length)] as number;
      const kind = random(3);
      const mutated =
        kind === 0
          ? Uint8Array.from(payload, (b, k) => (k === at ? byte : b))
          : kind === 1
            ? new Uint8Array([...payload.subarray(0, at), ...payload.subarray(at + 1)])
            : new Uint8Array([...payload.subarray(0, at), byte, ...payload.subarray(at)]);
      if ((jsonSyntaxError(mutated) === undefined) !== parses(mutated)) disagreements++;
    }
    expect(disagreements).toBe(0);
  });
});
