/** What a masked value reads as: Sentry's own marker, so the overlay and Sentry show it alike. */
export const FILTERED = '[Filtered]';

/**
 * Names whose values look like secrets. Matching is by substring and deliberately broad: masking a harmless
 * `KEYBOARD_LAYOUT` costs nothing, showing a `STRIPE_SECRET_KEY` on a debug page costs a lot.
 */
export const SECRET_NAME_PATTERN = /secret|token|key|passw|pwd|auth|cookie|session|dsn|credential|private|signature|salt|bearer|jwt/i;

// `scheme://user:password@host`: the password goes even when the name gave no hint (DATABASE_URL, a header, a body field).
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)([^\s@/?#]+)@/gi;

export function isSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}

export function maskString(value: string): string {
  return value.replace(URL_PASSWORD, `$1${FILTERED}@`);
}

export function maskRecord(record: Readonly<Record<string, string | string[] | number | undefined>>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    masked[name] = isSecretName(name) ? FILTERED : maskString(text);
  }
  return masked;
}

/** A query string with the values of secret-looking parameters masked; order, encoding and the other values kept. */
export function maskQueryString(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      return isSecretName(decodeQueryPart(rawName)) ? `${rawName}=${FILTERED}` : maskString(pair);
    })
    .join('&');
}

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

export interface MaskLimits {
  /** Deeper values are replaced by a marker. */
  maxDepth: number;
  /** Per object or array; the rest is summarised. */
  maxEntries: number;
  /** Longer strings are cut, with the original length noted. */
  maxStringLength: number;
}

export const DEFAULT_MASK_LIMITS: MaskLimits = { maxDepth: 6, maxEntries: 100, maxStringLength: 8192 };

/** A JSON-safe, size-bounded copy of an untrusted value (a request body) with secret-looking fields masked. */
export function maskValue(value: unknown, limits: MaskLimits = DEFAULT_MASK_LIMITS, depth = 0): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return truncate(maskString(value), limits.maxStringLength);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return `[${typeof value}]`;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (depth >= limits.maxDepth) return '[Object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, limits.maxEntries).map((item) => maskValue(item, limits, depth + 1));
    if (value.length > limits.maxEntries) items.push(`[${value.length - limits.maxEntries} more items]`);
    return items;
  }
  const result: Record<string, unknown> = {};
  const entries = Object.entries(value);
  for (const [name, item] of entries.slice(0, limits.maxEntries)) {
    result[name] = isSecretName(name) ? FILTERED : maskValue(item, limits, depth + 1);
  }
  if (entries.length > limits.maxEntries) result['…'] = `[${entries.length - limits.maxEntries} more keys]`;
  return result;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length} characters]`;
}
