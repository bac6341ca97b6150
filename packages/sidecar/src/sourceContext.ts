/**
 * Source lines around a frame, as Sentry's SDKs and its symbolicator add them: `pre_context`,
 * `context_line`, `post_context`. Minified code has lines of thousands of characters: a line longer
 * than MAX_LINE is cut to a window around the column, marked with `{snip}` as Sentry marks it.
 */

export interface SourceContext {
  pre_context: string[];
  context_line: string;
  post_context: string[];
}

/** Lines shown above and below the frame's line (Sentry's default). */
export const CONTEXT_LINES = 5;
/** Longest line kept whole (Sentry's). */
export const MAX_LINE = 140;

/** The file's lines, whatever its line endings. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Cuts a long line to MAX_LINE characters around `colno` (1-based), as Sentry's `snipLine` does. */
export function snipLine(line: string, colno = 1): string {
  if (line.length <= MAX_LINE) return line;
  const column = Math.max(0, Math.min(colno - 1, line.length));
  let start = Math.max(column - 60, 0);
  if (start < 5) start = 0;
  let end = Math.min(start + MAX_LINE, line.length);
  if (end > line.length - 5) end = line.length;
  if (end === line.length) start = Math.max(end - MAX_LINE, 0);
  let snipped = line.slice(start, end);
  if (start > 0) snipped = `{snip} ${snipped}`;
  if (end < line.length) snipped = `${snipped} {snip}`;
  return snipped;
}

/** The context of 1-based line `lineno`, or undefined when the file has no such line. */
export function contextOf(lines: readonly string[], lineno: number, colno?: number, around = CONTEXT_LINES): SourceContext | undefined {
  if (!Number.isInteger(lineno) || lineno < 1 || lineno > lines.length) return undefined;
  const index = lineno - 1;
  return {
    pre_context: lines.slice(Math.max(0, index - around), index).map((line) => snipLine(line)),
    context_line: snipLine(lines[index] as string, colno),
    post_context: lines.slice(index + 1, index + 1 + around).map((line) => snipLine(line)),
  };
}
