/**
 * A trace id (16 bytes) or span id (8 bytes) as the lowercase hex Sentry's items carry, or what is
 * wrong with it: OTLP calls ids of another length or of all zeros invalid.
 */
export function validId(bytes: Uint8Array, length: 8 | 16): string | { problem: string } {
  if (bytes.length === 0) return { problem: 'no' };
  if (bytes.length !== length) return { problem: `a ${bytes.length}-byte (not ${length}-byte)` };
  if (bytes.every((byte) => byte === 0)) return { problem: 'an all-zero' };
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
