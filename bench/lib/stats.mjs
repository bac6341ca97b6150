// Pure helpers: percentiles, medians, ratios and the number formats the report uses. Unit-tested (stats.test.ts).

/** Nearest-rank percentile (p in [0, 100]) of unsorted samples; null for no samples. */
export function percentile(samples, p) {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  const n = samples.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[rank - 1];
}

export function median(samples) {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** p50 / p90 / p99 / max of a latency sample set (milliseconds), rounded to 0.01 ms. */
export function latencySummary(samples) {
  if (samples.length === 0) return { count: 0, p50: null, p90: null, p99: null, max: null };
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => round(sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1], 2);
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: round(sorted[sorted.length - 1], 2) };
}

export function round(value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** a / b, or null when either is missing or b is zero. */
export function ratio(a, b, digits = 2) {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b, digits);
}

/** 1234567 -> "1,234,567"; null -> "–". */
export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes in MiB (what /proc reports, in KiB, scaled), one decimal. */
export function formatMiB(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatKiB(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatRatio(value) {
  return value === null || value === undefined ? '–' : `${value.toFixed(2)}×`;
}

export function formatMs(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
}
