import { itemJson, parseEnvelope, utf8Decode } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { serializeSdkEnvelope } from './serialize.ts';

describe('serializeSdkEnvelope', () => {
  it('writes the SDK form as envelope bytes: JSON payloads, raw attachments, lengths', () => {
    const attachment = new Uint8Array([0, 10, 255]);
    const bytes = serializeSdkEnvelope([
      { event_id: 'e1', sdk: { name: 'sentry.javascript.node', version: '11.12.0' } },
      [
        [{ type: 'event' }, { event_id: 'e1', message: 'héllo' }],
        [{ type: 'attachment', filename: 'a.bin', length: 3 }, attachment],
        [{ type: 'statsd' }, 'c:1|c'],
      ],
    ]);
    const envelope = parseEnvelope(bytes ?? new Uint8Array());
    expect(envelope.header).toEqual({ event_id: 'e1', sdk: { name: 'sentry.javascript.node', version: '11.12.0' } });
    expect(envelope.items.map((i) => i.header)).toEqual([
      { type: 'event', length: 36 },
      { type: 'attachment', filename: 'a.bin', length: 3 },
      { type: 'statsd', length: 5 },
    ]);
    expect(itemJson(envelope.items[0] ?? { header: { type: 'x' }, payload: new Uint8Array() })).toEqual({
      event_id: 'e1',
      message: 'héllo',
    });
    expect([...(envelope.items[1]?.payload ?? [])]).toEqual([0, 10, 255]);
    expect(utf8Decode(envelope.items[2]?.payload ?? new Uint8Array())).toBe('c:1|c');
  });

  it('leaves out an item JSON cannot write, and gives nothing when none is left', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bytes = serializeSdkEnvelope([
      {},
      [
        [{ type: 'event' }, circular],
        [{ type: 'log' }, { items: [] }],
      ],
    ]);
    expect(parseEnvelope(bytes ?? new Uint8Array()).items.map((i) => i.header.type)).toEqual(['log']);
    expect(serializeSdkEnvelope([{}, [[{ type: 'event' }, { big: 1n }]]])).toBeUndefined();
  });
});
