import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './bytes.ts';
import { parseEnvelope } from './parse.ts';
import { fixture } from './test/fixtures.ts';
import { decodeWireEnvelope, encodeWireEnvelope, toWireEnvelope } from './wire.ts';

function publishedFrames(): string[] {
  const text = new TextDecoder().decode(fixture('published-spotlight-4.11.8-stream.txt'));
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

const wireText = (...args: Parameters<typeof encodeWireEnvelope>) => utf8Decode(encodeWireEnvelope(...args));

describe('wire format', () => {
  it('encodes an SDK envelope as one line the published viewers read', () => {
    const envelope = parseEnvelope(fixture('sentry-node-11.12/log.envelope'));
    const data = wireText(envelope, { __spotlight_envelope_id: 'id-1', __spotlight_inferred_source: 'server' });
    expect(data).not.toMatch(/[\r\n]/);
    const [header, items] = JSON.parse(data);
    expect(header).toEqual({
      sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
      __spotlight_envelope_id: 'id-1',
      __spotlight_inferred_source: 'server',
    });
    expect(items[0][0]).toEqual({ type: 'log', item_count: 1, content_type: 'application/vnd.sentry.items.log+json' });
    expect(items[0][1].items[0].body).toBe('probe log line (url)');
  });

  it('round-trips binary attachments as base64 and text attachments as text', () => {
    const binary = new Uint8Array([0, 1, 2, 0x0a, 0xfe, 0xff]);
    const text = 'line one\nline two';
    const bytes = new Uint8Array([
      ...utf8Encode(`{}\n{"type":"attachment","length":6,"filename":"a.bin","content_type":"application/octet-stream"}\n`),
      ...binary,
      ...utf8Encode(`\n{"type":"attachment","length":${text.length},"filename":"a.txt","content_type":"text/plain"}\n${text}`),
    ]);
    const data = wireText(parseEnvelope(bytes));
    expect(data).not.toMatch(/[\r\n]/);
    expect(JSON.parse(data)[1][0][1]).toEqual({ data: 'AAECCv7/' });
    const [, items] = decodeWireEnvelope(data);
    expect(items[0]?.[1]).toEqual(binary);
    expect(items[1]?.[1]).toBe(text);
  });

  it('keeps pretty-printed JSON payloads on one line', () => {
    const payload = '{\n  "message": "multi\\nline"\n}';
    const bytes = utf8Encode(`{}\n{"type":"event","length":${payload.length}}\n${payload}`);
    const data = wireText(parseEnvelope(bytes));
    expect(data).toBe('[{},[[{"type":"event","length":30},{"message":"multi\\nline"}]]]');
  });

  it('decodes every frame of the published sidecar stream', () => {
    const frames = publishedFrames();
    expect(frames).toHaveLength(12);
    const types = frames.map((f) =>
      decodeWireEnvelope(f)[1]
        .map(([h]) => h.type)
        .join(','),
    );
    expect(types).toEqual(['session', 'event', 'span', 'log', 'session', 'event', 'span', 'log', 'session', 'event', 'span', 'log']);
  });

  it('decodes raw-envelope frames of older sidecars', () => {
    const raw = new TextDecoder().decode(fixture('sentry-node-10.78/event.envelope'));
    const [header, items] = decodeWireEnvelope(raw);
    expect(header.event_id).toBeTypeOf('string');
    expect((items[0]?.[1] as { exception?: unknown } | undefined)?.exception).toBeTypeOf('object');
  });

  it('turns a parsed envelope into the wire form the overlay stores', () => {
    const wire = toWireEnvelope(parseEnvelope(fixture('sentry-node-11.12/span.envelope')), { __spotlight_envelope_id: 'e1' });
    expect(wire[0]).toEqual({
      sent_at: '2026-11-24T08:47:09.846Z',
      sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
      __spotlight_envelope_id: 'e1',
    });
    expect(wire[1][0]?.[0]).toEqual({ type: 'span', item_count: 5, content_type: 'application/vnd.sentry.items.span.v2+json' });
    expect((wire[1][0]?.[1] as { items: { name: string }[] } | undefined)?.items.map((s) => s.name)).toEqual([
      'child-1 db query',
      'grandchild-2a serialize',
      'child-2 http call',
      'child-3 render',
      'probe-transaction (url)',
    ]);
  });
});
