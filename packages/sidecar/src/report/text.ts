import { crashFrameOf, type Frame } from 'sentry-spotlight/data/errorEvent.ts';
import type { ErrorEventRecord } from 'sentry-spotlight/data/grouping.ts';
import { framePath, shortenPath } from 'sentry-spotlight/data/paths.ts';

/** A frame's file as a developer names it: relative to the app root (`src/x.ts`), `node_modules/pkg/...`, or as sent. */
export function displayPath(path: string, appRoot: string | undefined): string {
  const short = shortenPath(path, appRoot);
  return short.startsWith('~/') ? short.slice(2) : short;
}

/** `src/x.ts:12:5`, `src/x.ts:12`, the module, or undefined. */
export function frameLocation(frame: Frame, appRoot: string | undefined): string | undefined {
  const path = framePath(frame);
  const file = path !== undefined ? displayPath(path, appRoot) : frame.module;
  if (file === undefined) return undefined;
  if (frame.lineno === undefined) return file;
  return frame.colno !== undefined ? `${file}:${frame.lineno}:${frame.colno}` : `${file}:${frame.lineno}`;
}

/** Where an error event happened: `file:line` of the top app frame (the one that threw). */
export function eventLocation(record: ErrorEventRecord): string | undefined {
  const frame = crashFrameOf(record.event);
  if (!frame) return undefined;
  const path = framePath(frame);
  const file = path !== undefined ? displayPath(path, record.appRoot) : frame.module;
  if (file === undefined) return undefined;
  return frame.lineno !== undefined ? `${file}:${frame.lineno}` : file;
}

/** "Error: boom" (type and message), or the title alone. */
export function eventHeadline(record: { readonly title: string; readonly subtitle?: string | undefined }): string {
  return record.subtitle !== undefined ? `${record.title}: ${record.subtitle}` : record.title;
}

export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'unknown';
}

/** `350 ms`, `1.25 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
}

/** Text for one line of Markdown: no line breaks, backticks and pipes made harmless. */
export function inline(text: string, max = 300): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Text inside a Markdown code span. */
export function code(text: string): string {
  return `\`${inline(text).replace(/`/g, "'")}\``;
}

/** A Markdown table cell. */
export function cell(text: string, max = 120): string {
  return inline(text, max).replace(/\|/g, '\\|');
}
