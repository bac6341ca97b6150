import { createEnvelope, createItem, type Item, serializeEnvelope, utf8Encode } from '@spotlight/envelope';
import type { SentryEnvelopeLike } from './sentry.ts';

/**
 * Serializes an envelope as the SDK holds it (`[headers, [[itemHeader, payload], ...]]`, SDK 8 to 11)
 * into the bytes the sidecar accepts. Items that cannot be serialized (a payload JSON.stringify refuses)
 * are left out rather than failing the whole envelope; undefined when nothing is left.
 */
export function serializeSdkEnvelope(envelope: SentryEnvelopeLike): Uint8Array | undefined {
  const [headers, sdkItems] = envelope;
  const items: Item[] = [];
  for (const [header, payload] of sdkItems) {
    try {
      const bytes =
        payload instanceof Uint8Array ? payload : typeof payload === 'string' ? utf8Encode(payload) : utf8Encode(JSON.stringify(payload));
      items.push(createItem({ ...header, type: String(header.type) }, bytes));
    } catch {
      // A circular or BigInt payload: the SDK normalizes events before this, so this is rare.
    }
  }
  if (items.length === 0) return undefined;
  try {
    return serializeEnvelope(createEnvelope(headers, items));
  } catch {
    return undefined;
  }
}
