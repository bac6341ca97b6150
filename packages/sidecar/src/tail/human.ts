import type { TailRecord } from './records.ts';

export interface HumanOptions {
  /** ANSI colours (a terminal that is not told NO_COLOR). */
  readonly color: boolean;
}

const RESET = '\x1b[0m';
const STYLES = {
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  red: '\x1b[31m',
  boldRed: '\x1b[1;31m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  magenta: '\x1b[35m',
  green: '\x1b[32m',
  blue: '\x1b[34m',
} as const;

const LEVEL_STYLE: Readonly<Record<string, keyof typeof STYLES>> = {
  fatal: 'boldRed',
  error: 'red',
  warning: 'yellow',
  warn: 'yellow',
  info: 'cyan',
  log: 'cyan',
  debug: 'dim',
  trace: 'dim',
};

function pad2(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time with milliseconds: `14:03:07.512`. */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return '??:??:??.???';
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${pad2(date.getMilliseconds(), 3)}`;
}

function durationText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ⏎ ');
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/**
 * One line per record: time, level, service, text, and for errors the `file:line` of the top app frame.
 * A repeat of an issue says `(×N)` instead of its location: the line it repeats has that already.
 */
export function formatHuman(record: TailRecord, options: HumanOptions): string {
  const paint = (style: keyof typeof STYLES, text: string) => (options.color ? `${STYLES[style]}${text}${RESET}` : text);
  const level = (record.type === 'trace' ? 'span' : record.level).toUpperCase().padEnd(5);
  const levelStyle = record.type === 'trace' ? (record.status === 'error' ? 'red' : 'green') : (LEVEL_STYLE[record.level] ?? 'cyan');
  const head = `${paint('dim', clockTime(record.time))} ${paint(levelStyle, level)} ${paint('magenta', record.service)}`;
  let text: string;
  if (record.type === 'error') {
    text = paint('bold', oneLine(record.message));
    if (record.count > 1) text += ` ${paint('yellow', `(×${record.count})`)}`;
    else if (record.location !== undefined) text += `  ${paint('dim', record.location)}`;
  } else if (record.type === 'log') {
    text = oneLine(record.message);
  } else {
    text = `${oneLine(record.message)}  ${paint('dim', `${durationText(record.durationMs)} · ${record.spanCount} span${record.spanCount === 1 ? '' : 's'} · trace ${(record.traceId ?? '').slice(0, 8)}`)}`;
  }
  return `${head}  ${text}`;
}
