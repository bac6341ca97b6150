// ANSI escape codes in event text (coloured logs, test runner output, chalk in error messages):
// SGR colour codes become styled segments, every other escape sequence is dropped. The result is
// plain data; the UI renders each segment as a text node inside a span, never as HTML.

export interface AnsiStyle {
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
  readonly strike?: boolean;
}

export interface AnsiSegment {
  readonly text: string;
  readonly style: AnsiStyle;
}

/** The 16 basic colours, tuned to read on a dark background. */
const BASIC_COLORS = [
  '#4b5563',
  '#f87171',
  '#4ade80',
  '#facc15',
  '#60a5fa',
  '#e879f9',
  '#22d3ee',
  '#e5e7eb',
  '#9ca3af',
  '#fca5a5',
  '#86efac',
  '#fde047',
  '#93c5fd',
  '#f0abfc',
  '#67e8f9',
  '#ffffff',
] as const;

// CSI sequences (ESC [ ... final byte), OSC sequences (ESC ] ... BEL or ESC \), and lone two-byte escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape codes is the point.
const ESCAPE = /\u001b\[([0-9;:?]*)([@-~])|\u009b([0-9;:?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;

function hex(n: number): string {
  return Math.max(0, Math.min(255, Math.round(n)))
    .toString(16)
    .padStart(2, '0');
}

/** xterm's 256-colour palette: 16 basic, a 6x6x6 cube, 24 greys. */
export function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return BASIC_COLORS[n];
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `#${hex(level(Math.floor(i / 36)))}${hex(level(Math.floor(i / 6) % 6))}${hex(level(i % 6))}`;
  }
  const grey = 8 + (n - 232) * 10;
  return `#${hex(grey)}${hex(grey)}${hex(grey)}`;
}

type MutableStyle = { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] };

/** Reads an extended colour (`38;5;n` or `38;2;r;g;b`) starting at codes[at]; returns it and the codes used. */
function extendedColor(codes: readonly number[], at: number): [string | undefined, number] {
  const mode = codes[at + 1];
  if (mode === 5) return [color256(codes[at + 2] ?? -1), 3];
  if (mode === 2) {
    const [r, g, b] = [codes[at + 2], codes[at + 3], codes[at + 4]];
    if (r === undefined || g === undefined || b === undefined) return [undefined, 5];
    return [`#${hex(r)}${hex(g)}${hex(b)}`, 5];
  }
  return [undefined, 1];
}

function applySgr(style: MutableStyle, params: string): void {
  const codes = params.length === 0 ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) {
      for (const key of Object.keys(style) as (keyof MutableStyle)[]) delete style[key];
    } else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 9) style.strike = true;
    else if (code === 22) {
      delete style.bold;
      delete style.dim;
    } else if (code === 23) delete style.italic;
    else if (code === 24) delete style.underline;
    else if (code === 29) delete style.strike;
    else if (code >= 30 && code <= 37) style.fg = BASIC_COLORS[code - 30];
    else if (code >= 90 && code <= 97) style.fg = BASIC_COLORS[code - 90 + 8];
    else if (code >= 40 && code <= 47) style.bg = BASIC_COLORS[code - 40];
    else if (code >= 100 && code <= 107) style.bg = BASIC_COLORS[code - 100 + 8];
    else if (code === 39) delete style.fg;
    else if (code === 49) delete style.bg;
    else if (code === 38 || code === 48) {
      const [color, used] = extendedColor(codes, i);
      if (color !== undefined) {
        if (code === 38) style.fg = color;
        else style.bg = color;
      }
      i += used - 1;
    }
  }
}

/** Whether the text holds any escape sequence (the common case is none: callers skip the work). */
export function hasAnsi(text: string): boolean {
  return text.includes('\u001b') || text.includes('\u009b');
}

/** Splits text into styled segments; escapes other than colours and text styles are dropped. */
export function parseAnsi(text: string): AnsiSegment[] {
  if (!hasAnsi(text)) return text.length > 0 ? [{ text, style: {} }] : [];
  const segments: AnsiSegment[] = [];
  const style: MutableStyle = {};
  let last = 0;
  const push = (chunk: string) => {
    if (chunk.length === 0) return;
    const previous = segments.at(-1);
    const current = { ...style };
    if (previous && sameStyle(previous.style, current))
      segments[segments.length - 1] = { text: previous.text + chunk, style: previous.style };
    else segments.push({ text: chunk, style: current });
  };
  for (const match of text.matchAll(ESCAPE)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    const final = match[2] ?? match[4];
    const params = match[1] ?? match[3];
    if (final === 'm' && params !== undefined && !params.includes('?')) applySgr(style, params);
  }
  push(text.slice(last));
  return segments;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AnsiStyle>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** The text without any escape sequence (for titles, grouping and copying). */
export function stripAnsi(text: string): string {
  return hasAnsi(text) ? text.replace(ESCAPE, '') : text;
}
