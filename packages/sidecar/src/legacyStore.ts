import { createEnvelope, createItem, type EnvelopeHeaders, serializeEnvelope, utf8Decode } from '@spotlight/envelope';
import { badRequest } from './httpError.ts';

/**
 * Wraps a legacy `/store/` JSON event into an envelope, so that viewers see one format: an `event`
 * item (or `transaction`, by the event's type) whose payload is the event as received.
 */
export function legacyEventToEnvelope(body: Uint8Array, now: Date = new Date()): Uint8Array {
  const text = utf8Decode(body);
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw badRequest(`store body is not valid JSON: ${detail}`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw badRequest('store body must be a JSON object (one event)');
  const fields = event as Record<string, unknown>;
  const header: EnvelopeHeaders = { sent_at: now.toISOString() };
  if (typeof fields.event_id === 'string') header.event_id = fields.event_id;
  const sdk = fields.sdk as { name?: unknown; version?: unknown } | undefined;
  if (typeof sdk?.name === 'string' && typeof sdk.version === 'string') header.sdk = { name: sdk.name, version: sdk.version };
  const type = fields.type === 'transaction' ? 'transaction' : 'event';
  // The payload keeps the bytes as sent; the item's length lets it span lines.
  return serializeEnvelope(createEnvelope(header, [createItem({ type }, body)]));
}
