/** `0.42ms`, `12.3ms`, `245ms`, `1.24s`, `1m 05s`: span and trace durations. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms === 0) return '0ms';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Axis labels for a timeline of `total` ms, split in `parts`. */
export function timelineTicks(total: number, parts = 4): { at: number; label: string }[] {
  const ticks: { at: number; label: string }[] = [];
  for (let i = 0; i <= parts; i++) ticks.push({ at: i / parts, label: i === 0 ? '0ms' : formatDuration((total * i) / parts) });
  return ticks;
}
