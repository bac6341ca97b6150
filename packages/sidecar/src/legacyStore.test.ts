import { itemJson, parseEnvelope, utf8Decode, utf8Encode } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { HttpError } from './httpError.ts';
import { legacyEventToEnvelope } from './legacyStore.ts';

const at = new Date('2026-01-02T03:04:05.000Z');

describe('legacyEventToEnvelope', () => {
  it('wraps an event into an envelope with one event item holding the bytes as sent', () => {
    const body = utf8Encode('{"event_id":"abc","message":"hi","sdk":{"name":"sentry.python","version":"0.9.0"}}');
    const envelope = parseEnvelope(legacyEventToEnvelope(body, at));
    expect(envelope.header).toEqual({
      sent_at: '2026-01-02T03:04:05.000Z',
      event_id: 'abc',
      sdk: { name: 'sentry.python', version: '0.9.0' },
    });
    expect(envelope.items.map((i) => i.header)).toEqual([{ type: 'event', length: body.length }]);
    expect(envelope.items[0]?.payload).toEqual(body);
  });

  it('uses a transaction item for transactions and keeps multi-line JSON', () => {
    const text = '{\n  "type": "transaction",\n  "transaction": "GET /"\n}';
    const envelope = parseEnvelope(legacyEventToEnvelope(utf8Encode(text), at));
    expect(envelope.items[0]?.header.type).toBe('transaction');
    expect(utf8Decode(envelope.items[0]?.payload ?? new Uint8Array())).toBe(text);
    expect(itemJson(envelope.items[0] as never)).toEqual({ type: 'transaction', transaction: 'GET /' });
  });

  it('refuses bodies that are not one JSON object, with 400', () => {
    for (const [text, message] of [
      ['[1]', 'store body must be a JSON object (one event)'],
      ['{oops', /^store body is not valid JSON: /],
    ] as const) {
      let error: unknown;
      try {
        legacyEventToEnvelope(utf8Encode(text), at);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(400);
      expect((error as HttpError).message).toMatch(message);
    }
  });
});
