import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './bytes.ts';
import { EnvelopeParseError } from './errors.ts';
import { parseEnvelope } from './parse.ts';
import { isSessionFile, readSessionFile, writeSessionFile } from './sessionFile.ts';

const first = utf8Encode('{"event_id":"a"}\n{"type":"event"}\n{"message":"one"}');
// Binary payload with newlines, and a trailing newline: only the item length can delimit it.
const second = new Uint8Array([...utf8Encode('{}\n{"type":"attachment","length":4}\n'), 10, 0, 255, 10, 10]);

describe('session files', () => {
  it('hold several envelopes byte for byte, each an item delimited by its length, in a file that is itself an envelope', () => {
    const file = writeSessionFile(
      [
        { bytes: first, receivedAt: Date.UTC(2026, 10, 24, 8, 47, 9, 840), source: 'server' },
        { bytes: second, source: 'browser' },
      ],
      { exportedAt: Date.UTC(2026, 10, 24, 9) },
    );
    expect(utf8Decode(file).split('\n').slice(0, 2)).toEqual([
      '{"spotlight_export":{"version":1,"envelopes":2},"sent_at":"2026-11-24T09:00:00.000Z"}',
      `{"type":"envelope","length":${first.length},"content_type":"application/x-sentry-envelope","received_at":"2026-11-24T08:47:09.840Z","source":"server"}`,
    ]);
    expect(parseEnvelope(file, { validateJsonPayloads: false }).items).toHaveLength(2);
    expect(isSessionFile(file)).toBe(true);
    expect(readSessionFile(file)).toEqual([
      { bytes: first, receivedAt: Date.UTC(2026, 10, 24, 8, 47, 9, 840), source: 'server' },
      { bytes: second, source: 'browser' },
    ]);
  });

  it('read a plain envelope as one entry', () => {
    expect(isSessionFile(first)).toBe(false);
    expect(readSessionFile(first)).toEqual([{ bytes: first }]);
  });

  it('refuse a file whose entry is not an envelope, naming it', () => {
    const file = writeSessionFile([{ bytes: first }, { bytes: utf8Encode('not json') }], { exportedAt: 0 });
    expect(() => readSessionFile(file)).toThrow(EnvelopeParseError);
    expect(() => readSessionFile(file)).toThrow(/^envelope 2 of the file is not an envelope: envelope header is not valid JSON/);
    expect(() => readSessionFile(utf8Encode('hello'))).toThrow(EnvelopeParseError);
  });
});
