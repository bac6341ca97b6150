import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './bytes.ts';
import { parseEnvelope } from './parse.ts';
import { envelopeFixtures } from './test/fixtures.ts';
import { encodeWireEnvelope } from './wire.ts';

const meta = { __spotlight_envelope_id: '01a20cbc-ce25-712a-bd13-d0cf28acc58e', __spotlight_inferred_source: 'server' };

/** The wire text with every payload parsed again (`text`), and with JSON payloads trusted and copied (`trusted`). */
function both(bytes: Uint8Array) {
  const envelope = parseEnvelope(bytes, { validateJsonPayloads: false });
  return {
    text: utf8Decode(encodeWireEnvelope(envelope, meta)),
    trusted: utf8Decode(encodeWireEnvelope(envelope, meta, { trustJsonPayloads: true })),
  };
}

describe('encodeWireEnvelope', () => {
  for (const { name, bytes } of envelopeFixtures()) {
    it(`gives the same text, trusted or not, and the envelope's own values, for ${name}`, () => {
      const { text, trusted } = both(bytes);
      expect(trusted).toBe(text);
      expect(text).not.toMatch(/[\r\n]/);
      const envelope = parseEnvelope(bytes);
      const [header, items] = JSON.parse(text) as [unknown, [unknown, unknown][]];
      expect(header).toEqual({ ...envelope.header, ...meta });
      expect(items.map(([itemHeader]) => itemHeader)).toEqual(envelope.items.map((item) => item.header));
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
    const { text, trusted } = both(bytes);
    expect(trusted).toBe(text);
    expect(JSON.parse(text)[1].map((entry: unknown[]) => entry[1])).toEqual([
      { data: 'AAECCv7/' },
      { data: 'hé\nx' },
      { message: 'multi\nline' },
      { data: '' },
      { data: 'bm90IGpzb24=' },
      { a: [1, 2] },
    ]);
  });

  it('without trust, turns an invalid JSON payload into raw data', () => {
    const { text } = both(utf8Encode('{}\n{"type":"event"}\n{oops'));
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
      const { text, trusted } = both(utf8Encode(`${header}\n{"type":"session"}\n{"sid":"s"}`));
      expect(trusted).toBe(text);
      expect(text.startsWith('[{"event_id":"e","__spotlight_envelope_id"')).toBe(true);
      expect(decodedHeader(text)).toEqual({ event_id: 'e', ...meta });
    }
  });

  it('is the header bytes unchanged when there is no meta', () => {
    const envelope = parseEnvelope(utf8Encode('{"event_id":"e", "x" : [1, 2]}\n'));
    expect(utf8Decode(encodeWireEnvelope(envelope))).toBe('[{"event_id":"e", "x" : [1, 2]},[]]');
  });
});
