/**
 * Trace-level sampling shared by everything that sends a *sampled* copy of unsampled local data
 * upstream (the sidecar's forwarder, the Node hook's upstream copy). Every decision about a trace must
 * be the same wherever it is taken, so it is a pure function of what travels with the trace.
 */

/** Item types that belong to a trace and follow its sampling decision; errors, logs, sessions do not. */
export const TRACE_ITEM_TYPES: ReadonlySet<string> = new Set(['transaction', 'span', 'profile']);

/**
 * The trace's random number in [0, 1): the SDK's own `sample_rand` from the dynamic sampling context
 * when it carries one (SDK 9+, so that we agree with Sentry's dynamic sampling), otherwise one derived
 * from the trace id (SDK 8 has no `sample_rand`; trace ids are random, and every process and the sidecar
 * derive the same number from the same id). Returns undefined when neither is usable.
 */
export function traceSampleRand(traceId: unknown, sampleRand?: unknown): number | undefined {
  const fromDsc = typeof sampleRand === 'string' ? Number(sampleRand) : sampleRand;
  if (typeof fromDsc === 'number' && fromDsc >= 0 && fromDsc < 1) return fromDsc;
  if (typeof traceId !== 'string' || !/^[0-9a-f]{32}$/i.test(traceId)) return undefined;
  // The last 13 hex digits are random in both UUIDv4-style ids (version and variant nibbles sit
  // earlier) and OpenTelemetry ids, and 13 digits (52 bits) fit a double exactly.
  return Number.parseInt(traceId.slice(-13), 16) / 16 ** 13;
}

/** Parses a sample rate as the SDKs accept it (number or numeric string in [0, 1], or a boolean). */
export function parseSampleRate(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const rate = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof rate === 'number' && rate >= 0 && rate <= 1 ? rate : undefined;
}
