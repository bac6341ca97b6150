import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './bytes.ts';
import { EnvelopeParseError } from './errors.ts';
import { itemJson } from './items.ts';
import { parseEnvelope } from './parse.ts';
import { createItem, serializeEnvelope } from './serialize.ts';
import { envelopeFixtures, fixture } from './test/fixtures.ts';

function parseError(input: string | Uint8Array, options = {}): EnvelopeParseError {
  try {
    parseEnvelope(typeof input === 'string' ? utf8Encode(input) : input, options);
  } catch (error) {
    if (error instanceof EnvelopeParseError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('parseEnvelope on captured SDK envelopes', () => {
  const fixtures = envelopeFixtures();

  it('finds the captured fixtures', () => {
    expect(fixtures.map((f) => f.name)).toEqual([
      'sentry-browser-11.12/pageload-event.envelope',
      'sentry-browser-11.12/pageload-log.envelope',
      'sentry-browser-11.12/pageload-session-2.envelope',
      'sentry-browser-11.12/pageload-session.envelope',
      'sentry-browser-11.12/pageload-span.envelope',
      'sentry-browser-11.12/vitals-session.envelope',
      'sentry-browser-11.12/vitals-span-2.envelope',
      'sentry-browser-11.12/vitals-span.envelope',
      'sentry-node-10.75/insights-sessions.envelope',
      'sentry-node-10.75/insights-transaction+profile.envelope',
      'sentry-node-10.78/event.envelope',
      'sentry-node-10.78/log.envelope',
      'sentry-node-10.78/session.envelope',
      'sentry-node-10.78/transaction.envelope',
      'sentry-node-11.1/insights-assistant-span.envelope',
      'sentry-node-11.1/insights-event+attachment.envelope',
      'sentry-node-11.1/insights-fail-span.envelope',
      'sentry-node-11.1/insights-feedback.envelope',
      'sentry-node-11.1/insights-invoice-span.envelope',
      'sentry-node-11.1/insights-orders-span.envelope',
      'sentry-node-11.1/insights-profile_chunk-2.envelope',
      'sentry-node-11.1/insights-profile_chunk-3.envelope',
      'sentry-node-11.1/insights-profile_chunk.envelope',
      'sentry-node-11.1/insights-session.envelope',
      'sentry-node-11.1/insights-sessions.envelope',
      'sentry-node-11.1/insights-stock-span.envelope',
      'sentry-node-11.12/browser-api-event.envelope',
      'sentry-node-11.12/browser-api-log.envelope',
      'sentry-node-11.12/browser-api-sessions.envelope',
      'sentry-node-11.12/browser-api-span-2.envelope',
      'sentry-node-11.12/browser-api-span.envelope',
      'sentry-node-11.12/event.envelope',
      'sentry-node-11.12/express-api-event.envelope',
      'sentry-node-11.12/express-api-log.envelope',
      'sentry-node-11.12/express-api-sessions.envelope',
      'sentry-node-11.12/express-api-span.envelope',
      'sentry-node-11.12/express-web-log.envelope',
      'sentry-node-11.12/express-web-session.envelope',
      'sentry-node-11.12/express-web-span.envelope',
      'sentry-node-11.12/log.envelope',
      'sentry-node-11.12/session.envelope',
      'sentry-node-11.12/span.envelope',
    ]);
  });

  for (const { name, bytes } of envelopeFixtures()) {
    it(`round-trips ${name} byte for byte`, () => {
      expect(serializeEnvelope(parseEnvelope(bytes))).toEqual(bytes);
    });
  }

  it('reads the error event of @sentry/node 11', () => {
    const envelope = parseEnvelope(fixture('sentry-node-11.12/event.envelope'));
    expect(envelope.header.event_id).toBe('c338dc2e74ec4fa8b7fa2c44d7ed9f2d');
    expect(envelope.items.map((i) => i.header.type)).toEqual(['event']);
    const event = itemJson(envelope.items[0] as never) as { exception: { values: { type: string; value: string }[] } };
    expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: 'probe error (url)' });
  });

  it('reads the span-v2 container of @sentry/node 11', () => {
    const [item] = parseEnvelope(fixture('sentry-node-11.12/span.envelope')).items;
    expect(item?.header).toEqual({ type: 'span', item_count: 5, content_type: 'application/vnd.sentry.items.span.v2+json' });
    expect((itemJson(item as never) as { items: unknown[] }).items).toHaveLength(5);
  });

  it('does not modify its input', () => {
    const bytes = fixture('sentry-node-10.78/transaction.envelope');
    const copy = bytes.slice();
    parseEnvelope(bytes);
    expect(bytes).toEqual(copy);
  });
});

describe('parseEnvelope framing', () => {
  it('counts length in bytes, not characters', () => {
    const payload = '{"message":"héllo ✓ 😀"}';
    const bytes = utf8Encode(`{}\n{"type":"event","length":${utf8Encode(payload).length}}\n${payload}\n{"type":"session"}\n{"sid":"1"}`);
    const envelope = parseEnvelope(bytes);
    expect(envelope.items.map((i) => utf8Decode(i.payload))).toEqual([payload, '{"sid":"1"}']);
    expect(serializeEnvelope(envelope)).toEqual(bytes);
  });

  it('keeps binary payloads with newlines and NUL bytes byte for byte', () => {
    const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x00, 0x0a, 0xff, 0x0a]);
    const head = utf8Encode(`{"event_id":"a"}\n{"type":"attachment","length":${binary.length},"filename":"x.png"}\n`);
    const tail = utf8Encode('\n{"type":"event"}\n{}\n');
    const bytes = new Uint8Array([...head, ...binary, ...tail]);
    const envelope = parseEnvelope(bytes);
    expect(envelope.items[0]?.payload).toEqual(binary);
    expect(envelope.items[1]?.header.type).toBe('event');
    expect(envelope.trailingNewline).toBe(true);
    expect(serializeEnvelope(envelope)).toEqual(bytes);
  });

  it('keeps zero-length payloads, with and without length', () => {
    const text = '{}\n{"type":"attachment","length":0,"filename":"empty.txt"}\n\n{"type":"client_report"}\n';
    const envelope = parseEnvelope(utf8Encode(text));
    expect(envelope.items.map((i) => [i.header.type, i.payload.length])).toEqual([
      ['attachment', 0],
      ['client_report', 0],
    ]);
    expect(utf8Decode(serializeEnvelope(envelope))).toBe(text);
  });

  it('reads a payload without length up to the end of input', () => {
    const envelope = parseEnvelope(utf8Encode('{}\n{"type":"event"}\n{"message":"last"}'));
    expect(utf8Decode(envelope.items[0]?.payload ?? new Uint8Array())).toBe('{"message":"last"}');
    expect(envelope.trailingNewline).toBe(false);
  });

  it('accepts a header-only envelope', () => {
    expect(parseEnvelope(utf8Encode('{"dsn":"x"}')).items).toEqual([]);
    expect(utf8Decode(serializeEnvelope(parseEnvelope(utf8Encode('{"dsn":"x"}\n'))))).toBe('{"dsn":"x"}\n');
  });

  it('keeps unknown item types and their bytes', () => {
    const text = '{}\n{"type":"future_thing","x":1}\nnot json at all';
    const envelope = parseEnvelope(utf8Encode(text));
    expect(envelope.items[0]?.header).toEqual({ type: 'future_thing', x: 1 });
    expect(utf8Decode(serializeEnvelope(envelope))).toBe(text);
  });

  it('serializes built items with their byte length', () => {
    const item = createItem({ type: 'event' }, '{"m":"é"}');
    expect(item.header.length).toBe(10);
    expect(utf8Decode(serializeEnvelope({ header: { event_id: 'e' }, items: [item] }))).toBe(
      '{"event_id":"e"}\n{"type":"event","length":10}\n{"m":"é"}',
    );
  });
});

describe('parseEnvelope errors', () => {
  it('refuses an empty body', () => {
    expect(parseError('')).toMatchObject({ code: 'empty', offset: 0 });
  });

  it('refuses a header that is not JSON, with its offset', () => {
    const error = parseError('{not json}\n{"type":"event"}\n{}');
    expect(error.code).toBe('bad_header');
    expect(error.offset).toBe(0);
    expect(error.message).toMatch(/^envelope header is not valid JSON: .* \(at byte 0\)$/);
  });

  it('refuses a header that is not an object', () => {
    expect(parseError('[1,2]\n')).toMatchObject({ code: 'bad_header', message: 'envelope header must be a JSON object (at byte 0)' });
  });

  it('refuses an item header without a type, at its offset', () => {
    expect(parseError('{}\n{"length":2}\n{}')).toMatchObject({ code: 'bad_item_header', offset: 3 });
  });

  it('refuses a bad length', () => {
    expect(parseError('{}\n{"type":"event","length":-1}\n{}')).toMatchObject({ code: 'bad_item_header' });
    expect(parseError('{}\n{"type":"event","length":"2"}\n{}')).toMatchObject({ code: 'bad_item_header' });
  });

  it('refuses a length past the end of input', () => {
    const error = parseError('{}\n{"type":"attachment","length":50}\nshort');
    expect(error).toMatchObject({ code: 'truncated', offset: 37 });
    expect(error.message).toBe('item 1 declares 50 payload bytes but only 5 remain (at byte 37)');
  });

  it('refuses a payload that runs past its length', () => {
    expect(parseError('{}\n{"type":"attachment","length":2}\nabc\n')).toMatchObject({ code: 'truncated', offset: 38 });
  });

  it('refuses broken JSON in an event payload, pointing at the first byte that breaks it', () => {
    const error = parseError('{}\n{"type":"event"}\n{"oops"');
    expect(error).toMatchObject({ code: 'bad_payload', offset: 27 });
    expect(error.message).toBe('item 1 (event) payload is not valid JSON: unexpected end of JSON (at byte 27)');
    expect(parseError('{}\n{"type":"event"}\n{"a":01}\n')).toMatchObject({
      offset: 26,
      message: 'item 1 (event) payload is not valid JSON: unexpected "1" (at byte 26)',
    });
  });

  it('can skip payload validation', () => {
    expect(parseEnvelope(utf8Encode('{}\n{"type":"event"}\n{"oops"'), { validateJsonPayloads: false }).items).toHaveLength(1);
  });

  it('refuses more items than allowed', () => {
    const text = `{}\n${'{"type":"session"}\n{}\n'.repeat(3)}`;
    expect(parseEnvelope(utf8Encode(text), { maxItems: 3 }).items).toHaveLength(3);
    expect(parseError(text, { maxItems: 2 })).toMatchObject({
      code: 'too_many_items',
      message: 'envelope has more than 2 items (at byte 47)',
    });
  });
});
