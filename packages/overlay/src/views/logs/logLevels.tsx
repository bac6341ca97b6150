import type { LogLevel } from '../../data/logs.ts';

const LEVEL_CLASSES: Readonly<Record<LogLevel, string>> = {
  fatal: 'bg-red-500/20 text-red-300 ring-red-500/40',
  error: 'bg-red-500/15 text-red-300 ring-red-500/30',
  warn: 'bg-amber-500/15 text-amber-300 ring-amber-500/30',
  info: 'bg-sky-500/15 text-sky-300 ring-sky-500/30',
  debug: 'bg-slate-500/15 text-slate-400 ring-slate-500/30',
  trace: 'bg-slate-500/10 text-slate-500 ring-slate-500/20',
};

/** A log line's level, in the colours of the errors view's badges. */
export function LogLevelBadge({ level }: { level: LogLevel }) {
  return (
    <span
      data-testid="log-level"
      className={`inline-flex w-12 shrink-0 items-center justify-center rounded px-1 py-px text-[10.5px] font-medium uppercase tracking-wide ring-1 ring-inset ${LEVEL_CLASSES[level]}`}
    >
      {level}
    </span>
  );
}
