import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './bytes.ts';
import { parseEnvelope } from './parse.ts';
import { envelopeFixtures } from './test/fixtures.ts';
import { encodeWireEnvelope, encodeWireEnvelopeBytes } from './wire.ts';

const meta = { __spotlight_envelope_id: '01a20cbc-ce25-712a-bd13-d0cf28acc58e', __spotlight_inferred_source: 'server' };

function both(bytes: Uint8Array) {
  const envelope = parseEnvelope(bytes, { validateJsonPayloads: false });
  return {
    text: encodeWireEnvelope(envelope, meta),
    trusted: utf8Decode(encodeWireEnvelopeBytes(envelope, meta, { trustJsonPayloads: true })),
    untrusted: utf8Decode(encodeWireEnvelopeBytes(envelope, meta)),
  };
}

describe('encodeWireEnvelopeBytes', () => {
  for (const { name, bytes } of envelopeFixtures()) {
    it(`gives encodeWireEnvelope's text for ${name}`, () => {
      const { text, trusted, untrusted } = both(bytes);
      expect(trusted).toBe(text);
      expect(untrusted).toBe(text);
    });
  }

  it('matches on attachments, empty payloads, pretty JSON, CRLF headers and unknown types', () => {
    const binary = new Uint8Array([0, 1, 2, 0x0a, 0xfe, 0xff]);
    const pretty = '{\n  "message": "multi\\nline"\n}';
    const bytes = new Uint8Array([
      ...utf8Encode('{"event_id":"e"}\r\n{"type":"attachment","length":6,"filename":"a.bin"}\r\n'),
      ...binary,
      ...utf8Encode('\n{"type":"attachment","length":5,"content_type":"text/plain"}\nhé\nx'),
      ...utf8Encode(`\n{"type":"event","length":${utf8Encode(pretty).length}}\n${pretty}`),
      ...utf8Encode('\n{"type":"client_report","length":0}\n'),
      ...utf8Encode('\n{"type":"future_thing"}\nnot json'),
      ...utf8Encode('\n{"type":"future_json"}\n{"a":[1,2]}'),
    ]);
    const { text, trusted, untrusted } = both(bytes);
    expect(trusted).toBe(text);
    expect(untrusted).toBe(text);
    expect(JSON.parse(text)[1].map((entry: unknown[]) => entry[1])).toEqual([
      { data: 'AAECCv7/' },
      { data: 'hé\nx' },
      { message: 'multi\nline' },
      { data: '' },
      { data: 'bm90IGpzb24=' },
      { a: [1, 2] },
    ]);
  });

  it('puts the prefix and suffix around the JSON, on one line', () => {
    const envelope = parseEnvelope(utf8Encode('{}\n{"type":"session"}\n{"sid":"s"}'));
    const frame = utf8Decode(encodeWireEnvelopeBytes(envelope, {}, { prefix: utf8Encode('data: '), suffix: utf8Encode('\n\n') }));
    expect(frame).toBe('data: [{},[[{"type":"session"},{"sid":"s"}]]]\n\n');
  });

  it('writes into the array `allocate` provides', () => {
    const block = new Uint8Array(100);
    const envelope = parseEnvelope(utf8Encode('{}\n{"type":"session"}\n{"sid":"s"}'));
    const out = encodeWireEnvelopeBytes(envelope, {}, { allocate: (size) => block.subarray(10, 10 + size) });
    expect(out.buffer).toBe(block.buffer);
    expect(out.byteOffset).toBe(10);
    expect(utf8Decode(out)).toBe('[{},[[{"type":"session"},{"sid":"s"}]]]');
  });

  it("says where the envelope's own bytes landed unchanged", () => {
    const bytes = utf8Encode('{}\n{"type":"event"}\n{"m":1}\n{"type":"attachment","length":2}\nab\n{"type":"event","length":8}\n{\n"m":2}');
    const envelope = parseEnvelope(bytes);
    const found: [Uint8Array, number][] = [];
    const out = encodeWireEnvelopeBytes(envelope, {}, { trustJsonPayloads: true, spliced: (part, offset) => found.push([part, offset]) });
    for (const [part, offset] of found) expect(out.subarray(offset, offset + part.byteLength)).toEqual(part);
    expect(found.map(([part]) => utf8Decode(part))).toEqual([
      '{"type":"event"}',
      '{"m":1}',
      '{"type":"attachment","length":2}',
      '{"type":"event","length":8}',
    ]);
  });

  it('without trust, still turns an invalid JSON payload into raw data as encodeWireEnvelope does', () => {
    const { text, untrusted } = both(utf8Encode('{}\n{"type":"event"}\n{oops'));
    expect(untrusted).toBe(text);
    expect(JSON.parse(text)[1][0][1]).toEqual({ data: 'e29vcHM=' });
  });
});

describe('the envelope header on the wire', () => {
  const decodedHeader = (text: string) => (JSON.parse(text) as [Record<string, unknown>, unknown])[0];

  it("keeps the SDK's header bytes and appends the meta keys", () => {
    const { text, trusted } = both(utf8Encode('{"event_id":"e","sdk":{"name":"x"},"n":1.50}\n{"type":"session"}\n{"sid":"s"}'));
    expect(trusted).toBe(text);
    expect(text).toBe(
      `[{"event_id":"e","sdk":{"name":"x"},"n":1.50,"__spotlight_envelope_id":"${meta.__spotlight_envelope_id}","__spotlight_inferred_source":"server"},[[{"type":"session"},{"sid":"s"}]]]`,
    );
  });

  it('lets the meta keys win over keys of the same name the SDK sent', () => {
    const { text, trusted } = both(utf8Encode('{"__spotlight_envelope_id":"forged","__spotlight_inferred_source":"browser"}\n'));
    expect(trusted).toBe(text);
    expect(decodedHeader(text)).toEqual(meta);
  });

  it('adds no comma to an empty header, with or without spaces', () => {
    for (const header of ['{}', '{ \t }']) {
      const { text, trusted } = both(utf8Encode(`${header}\n{"type":"session"}\n{"sid":"s"}`));
      expect(trusted).toBe(text);
      expect(decodedHeader(text)).toEqual(meta);
    }
  });

  it('re-serializes headers that cannot be spliced: a BOM, leading space, trailing space or CR', () => {
    for (const header of ['\ufeff{"event_id":"e"}', ' {"event_id":"e"}', '{"event_id":"e"} ', '{"event_id":"e"}\r']) {
      const { text, trusted, untrusted } = both(utf8Encode(`${header}\n{"type":"session"}\n{"sid":"s"}`));
      expect(trusted).toBe(text);
      expect(untrusted).toBe(text);
      expect(text.startsWith('[{"event_id":"e","__spotlight_envelope_id"')).toBe(true);
      expect(decodedHeader(text)).toEqual({ event_id: 'e', ...meta });
    }
  });

  it('is the header bytes unchanged when there is no meta', () => {
    const envelope = parseEnvelope(utf8Encode('{"event_id":"e", "x" : [1, 2]}\n'));
    expect(encodeWireEnvelope(envelope)).toBe('[{"event_id":"e", "x" : [1, 2]},[]]');
    expect(utf8Decode(encodeWireEnvelopeBytes(envelope))).toBe('[{"event_id":"e", "x" : [1, 2]},[]]');
  });
});
