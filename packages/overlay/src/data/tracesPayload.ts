import { asObject, type JsonObject } from './errorEvent.ts';

// Readers for span and log payloads (the general ones live in errorEvent.ts).

export function isRecord(value: unknown): value is JsonObject {
  return asObject(value) !== undefined;
}

function isTypedAttribute(value: unknown): value is { value: unknown; type?: unknown } {
  return isRecord(value) && 'value' in value && Object.keys(value).every((k) => k === 'value' || k === 'type' || k === 'unit');
}

/**
 * Attributes as plain values. Span-v2 and log-v2 items type each one (`{value, type}`); transaction
 * spans carry plain `data`. Both forms, and a mix, come out the same.
 */
export function attributeValues(value: unknown): Readonly<Record<string, unknown>> {
  if (!isRecord(value)) return {};
  // Plain already (a transaction's spans): the payload's own object, not a copy kept beside it.
  let typed = false;
  for (const key in value) {
    if (isTypedAttribute(value[key])) {
      typed = true;
      break;
    }
  }
  if (!typed) return value;
  const out: Record<string, unknown> = {};
  for (const [key, attribute] of Object.entries(value)) {
    out[key] = isTypedAttribute(attribute) ? attribute.value : attribute;
  }
  return out;
}

/** A 32-hex trace id or 16-hex span id, lower-cased; anything else is not an id we can join on. */
export function hexId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const lower = value.toLowerCase();
  return /^[0-9a-f-]+$/.test(lower) ? lower.replaceAll('-', '') : undefined;
}
