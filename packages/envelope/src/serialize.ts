import { concatBytes, NEWLINE, utf8Encode } from './bytes.ts';
import type { Envelope, EnvelopeHeaders, Item, ItemHeaders } from './model.ts';

const NL = new Uint8Array([NEWLINE]);

/** Builds an item whose header carries the payload's byte length, as the spec recommends. */
export function createItem(header: ItemHeaders, payload: Uint8Array | string): Item {
  const bytes = typeof payload === 'string' ? utf8Encode(payload) : payload;
  return { header: { ...header, length: bytes.byteLength }, payload: bytes };
}

export function createEnvelope(header: EnvelopeHeaders, items: readonly Item[]): Envelope {
  return { header, items };
}

/**
 * Serializes an envelope. Headers parsed from input are written back as the bytes received, so
 * `serializeEnvelope(parseEnvelope(x))` equals `x` for any envelope the parser accepts in canonical form.
 */
export function serializeEnvelope(envelope: Envelope): Uint8Array {
  const parts: Uint8Array[] = [envelope.rawHeader ?? utf8Encode(JSON.stringify(envelope.header))];
  for (const item of envelope.items) {
    parts.push(NL, item.rawHeader ?? utf8Encode(JSON.stringify(item.header)), NL, item.payload);
  }
  if (envelope.trailingNewline) parts.push(NL);
  return concatBytes(parts);
}
