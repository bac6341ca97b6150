/**
 * Reads the `exception.stacktrace` text OpenTelemetry SDKs record (the runtime's own rendering of a
 * stack) into Sentry frames, for JavaScript (V8 and Firefox), Python, Java (and the JVM languages)
 * and Go. Frames come out as Sentry orders them: the oldest call first, the one that threw last.
 */

export interface Frame {
  function?: string;
  module?: string;
  filename?: string;
  abs_path?: string;
  lineno?: number;
  colno?: number;
  context_line?: string;
  in_app: boolean;
}

/** One exception of a chain as its stack text names it (Java's `Caused by:`, Python's chained tracebacks). */
export interface ParsedException {
  type?: string;
  value?: string;
  frames: Frame[];
}

export type StackLanguage = 'javascript' | 'python' | 'java' | 'go';

/** Frames kept per exception: the ones nearest the throw (Sentry's SDKs keep 50; deep recursion would flood the view). */
const MAX_FRAMES = 100;
/** Lines read, and characters per line: a stack text is bounded by the body limit only. */
const MAX_LINES = 2000;
const MAX_LINE = 4096;

// The text is untrusted: lines are taken apart with indexOf and regular expressions anchored at one
// end with no two quantifiers competing for the same characters, so that no line costs more than
// linear time (a lazy `(.*?):(\d+)` can take quadratic or cubic time on a crafted line).

/** `file:12:5` or `file:12` at the end of a location → the file, line and column. */
function place(location: string): { file: string; line: number; column?: number } | undefined {
  const match = /:(\d+)(?::(\d+))?$/.exec(location);
  if (!match) return undefined;
  const at = { file: location.slice(0, match.index), line: Number(match[1]) };
  return match[2] !== undefined ? { ...at, column: Number(match[2]) } : at;
}

const stripFileUrl = (path: string): string => (path.startsWith('file://') ? decodeURIComponentSafe(path.slice('file://'.length)) : path);

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `TypeError: x is not a function` → type and value; a line without `: ` is all type when it looks like a name. */
function headline(line: string): { type?: string; value?: string } {
  const match = /^([\w$.<>[\]]+?)(?::\s?(.*))?$/s.exec(line.trim());
  if (match?.[1] === undefined) return line.trim() ? { value: line.trim() } : {};
  return match[2] !== undefined ? { type: match[1], value: match[2] } : { type: match[1] };
}

// JavaScript --------------------------------------------------------------------------------------

function jsInApp(path: string): boolean {
  return !path.includes('/node_modules/') && !path.startsWith('node:') && !path.startsWith('internal/') && path !== '<anonymous>';
}

function jsFrame(fn: string | undefined, location: string): Frame | undefined {
  const found = place(location);
  const name = fn?.replace(/^async /, '') || undefined;
  if (!found) {
    // `at native`, `at <anonymous>`: a frame without a place still says which function ran.
    return name !== undefined ? { function: name, filename: location, in_app: false } : undefined;
  }
  const path = stripFileUrl(found.file);
  const frame: Frame = { filename: path, abs_path: path, lineno: found.line, in_app: jsInApp(path) };
  if (found.column !== undefined) frame.colno = found.column;
  if (name !== undefined) frame.function = name;
  return frame;
}

/** V8: `at fn (location)` or `at location`; Firefox and Safari: `fn@location`. */
function jsLine(line: string): Frame | undefined {
  const text = line.trim();
  if (text.startsWith('at ')) {
    const rest = text.slice(3);
    const open = rest.indexOf(' (');
    if (open >= 0 && rest.endsWith(')')) return jsFrame(rest.slice(0, open), rest.slice(open + 2, -1));
    return jsFrame(undefined, rest);
  }
  const at = text.indexOf('@');
  if (at < 0 || !place(text)) return undefined;
  return jsFrame(text.slice(0, at), text.slice(at + 1));
}

function parseJavaScript(lines: readonly string[]): ParsedException[] {
  const frames: Frame[] = [];
  let head: string[] = [];
  let inFrames = false;
  for (const line of lines) {
    const frame = jsLine(line);
    if (frame) {
      frames.push(frame);
      inFrames = true;
    } else if (!inFrames) head.push(line);
  }
  if (frames.length === 0) head = [];
  return [{ ...headline(head.join('\n')), frames: frames.reverse() }];
}

// Python ------------------------------------------------------------------------------------------

/** `  File "/app/main.py", line 10, in handler` → path, line, function. */
function pythonLine(line: string): { path: string; line: number; function?: string } | undefined {
  const text = line.trim();
  if (!text.startsWith('File "')) return undefined;
  const end = text.indexOf('", line ');
  if (end < 0) return undefined;
  const rest = /^(\d+)(?:, in (.*))?$/.exec(text.slice(end + '", line '.length));
  if (!rest) return undefined;
  const frame = { path: text.slice('File "'.length, end), line: Number(rest[1]) };
  return rest[2] !== undefined ? { ...frame, function: rest[2] } : frame;
}
const PY_CHAIN =
  /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)$/;

function pythonInApp(path: string): boolean {
  return !/[\\/](?:site-packages|dist-packages)[\\/]/.test(path) && !/[\\/]lib[\\/]python\d/.test(path) && !path.startsWith('<frozen ');
}

function moduleOfPath(path: string): string | undefined {
  const match = /([^\\/]+)\.py$/.exec(path);
  return match?.[1];
}

function parsePython(lines: readonly string[]): ParsedException[] {
  const chain: ParsedException[] = [];
  let frames: Frame[] = [];
  let last: Frame | undefined;
  let afterFrames: string[] = [];
  const close = () => {
    const text = afterFrames.filter((l) => l.trim() !== '' && !/^\s+[~^]+\s*$/.test(l)).join('\n');
    if (frames.length > 0 || text !== '') chain.push({ ...headline(text), frames });
    frames = [];
    last = undefined;
    afterFrames = [];
  };
  for (const line of lines) {
    if (PY_CHAIN.test(line.trim())) {
      close();
      continue;
    }
    if (line.startsWith('Traceback (most recent call last)')) {
      if (frames.length > 0) close();
      continue;
    }
    const match = pythonLine(line);
    if (match) {
      const path = match.path;
      last = { filename: path, abs_path: path, lineno: match.line, in_app: pythonInApp(path) };
      if (match.function !== undefined) last.function = match.function;
      const module = moduleOfPath(path);
      if (module !== undefined) last.module = module;
      frames.push(last);
      afterFrames = [];
      continue;
    }
    // The source line under a frame is indented deeper than `File`; the exception line is not indented.
    if (last !== undefined && last.context_line === undefined && /^\s{4,}\S/.test(line) && !/^\s+[~^]+\s*$/.test(line)) {
      last.context_line = line.trim();
      continue;
    }
    if (/^\S/.test(line)) last = undefined;
    if (frames.length > 0 || chain.length > 0) afterFrames.push(line);
  }
  close();
  // Python prints the oldest exception of a chain first, and each traceback's outermost call first: as Sentry orders them.
  return chain;
}

// Java --------------------------------------------------------------------------------------------

const JAVA_SYSTEM = /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit)\./;

/**
 * `at com.example.App.handle(App.java:6)`, with a module or class loader before a `/` (`at
 * java.base/java.lang.Thread.run(...)`, `at app//com.example.App.main(...)`).
 */
function javaLine(line: string): Frame | undefined {
  const text = line.trim();
  if (!text.startsWith('at ') || !text.endsWith(')')) return undefined;
  const rest = text.slice(3);
  const open = rest.indexOf('(');
  const qualified = rest.slice(rest.lastIndexOf('/', open) + 1, open);
  const dot = qualified.lastIndexOf('.');
  if (open < 0 || dot <= 0 || !/^[\w$.<>-]+$/.test(qualified)) return undefined;
  const module = qualified.slice(0, dot);
  const frame: Frame = { module, function: qualified.slice(dot + 1), in_app: !JAVA_SYSTEM.test(module) };
  const source = rest.slice(open + 1, -1);
  const number = /:(\d+)$/.exec(source);
  const file = number ? source.slice(0, number.index) : source;
  if (file && file !== 'Native Method' && file !== 'Unknown Source') frame.filename = file;
  if (number) frame.lineno = Number(number[1]);
  return frame;
}

function parseJava(lines: readonly string[]): ParsedException[] {
  const chain: ParsedException[] = [];
  let current: ParsedException | undefined;
  let head: string[] = [];
  for (const line of lines) {
    const frame = javaLine(line);
    if (frame) {
      if (!current) {
        current = { ...headline(head.join('\n')), frames: [] };
        chain.push(current);
      }
      current.frames.push(frame);
      continue;
    }
    const cause = /^\s*(?:Caused by|Suppressed): (.*)$/.exec(line);
    if (cause) {
      current = undefined;
      head = [cause[1] ?? ''];
      continue;
    }
    const omitted = /^\s*\.\.\. (\d+) (?:more|common frames omitted)\s*$/.exec(line);
    if (omitted) {
      // A cause's frames shared with the exception it caused are printed once, there: take them back.
      const enclosing = chain[chain.length - 2];
      const count = Number(omitted[1]);
      if (current && enclosing && count > 0) current.frames.push(...enclosing.frames.slice(-count));
      continue;
    }
    if (!current) head.push(line);
  }
  if (chain.length === 0) return [];
  // Java prints the thrown exception first, then its causes: Sentry wants the oldest (the root cause) first.
  for (const exception of chain) exception.frames.reverse();
  return chain.reverse();
}

// Go ----------------------------------------------------------------------------------------------

/** `\t/app/main.go:18 +0x85` → path and line. */
function goLocation(line: string): { path: string; line: number } | undefined {
  if (!line.startsWith('\t')) return undefined;
  const match = /:(\d+)(?: \+0x[0-9a-f]+)?$/.exec(line);
  return match ? { path: line.slice(1, match.index), line: Number(match[1]) } : undefined;
}

/** `f(0x1, {0x2, 0x3})` → `f`: drops the argument list that ends the line (a receiver such as `(*T)` stays). */
function withoutArguments(text: string): string {
  if (!text.endsWith(')')) return text;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return text.slice(0, i);
  }
  return text;
}

/** `net/http.(*Server).Serve(...)` → module `net/http`, function `(*Server).Serve`. */
function goFunction(text: string): { module?: string; function: string } {
  const name = withoutArguments(text.replace(/^created by /, '').replace(/ in goroutine \d+$/, ''));
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  if (dot < 0) return { function: name };
  return { module: name.slice(0, dot), function: name.slice(dot + 1) };
}

function goInApp(module: string | undefined, path: string): boolean {
  if (module === undefined) return false;
  if (module === 'main') return true;
  if (path.includes('/pkg/mod/') || path.includes('/vendor/')) return false;
  // Standard library packages have no dot in their first path element (`net/http`, `runtime`).
  return (module.split('/')[0] ?? '').includes('.');
}

function parseGo(lines: readonly string[]): ParsedException[] {
  const frames: Frame[] = [];
  const head: string[] = [];
  let seenGoroutine = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^goroutine \d+ \[/.test(line)) {
      // Only the first goroutine (the one that panicked or called debug.Stack) is the exception's stack.
      if (seenGoroutine) break;
      seenGoroutine = true;
      continue;
    }
    const location = goLocation(lines[i + 1] ?? '');
    if (location && line.trim() !== '' && !line.startsWith('\t')) {
      const { module, function: fn } = goFunction(line.trim());
      const path = location.path;
      const frame: Frame = { function: fn, filename: path, abs_path: path, lineno: location.line, in_app: goInApp(module, path) };
      if (module !== undefined) frame.module = module;
      frames.push(frame);
      i++;
      continue;
    }
    if (!seenGoroutine) head.push(line);
  }
  if (frames.length === 0) return [];
  const text = head
    .join('\n')
    .trim()
    .replace(/^panic: /, '');
  return [{ ...(text !== '' ? { value: text } : {}), frames: frames.reverse() }];
}

// -------------------------------------------------------------------------------------------------

const PARSERS: Readonly<Record<StackLanguage, (lines: readonly string[]) => ParsedException[]>> = {
  javascript: parseJavaScript,
  python: parsePython,
  java: parseJava,
  go: parseGo,
};

/** `telemetry.sdk.language` values whose stacks each parser reads. */
const LANGUAGE_HINTS: Readonly<Record<string, StackLanguage>> = {
  nodejs: 'javascript',
  webjs: 'javascript',
  python: 'python',
  java: 'java',
  go: 'go',
};

const frameCount = (chain: readonly ParsedException[]): number => chain.reduce((sum, e) => sum + e.frames.length, 0);

/**
 * Parses a stack text into its exception chain (oldest first), trying the parser of the SDK's
 * language first and then the others (a Collector may relay any language, and a Node service can
 * record a Python worker's error): the parser that reads the most frames wins. An empty list when
 * no parser reads a frame.
 */
export function parseStackTrace(text: string, languageHint?: string): ParsedException[] {
  const lines = text.split(/\r?\n/, MAX_LINES).map((line) => (line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line));
  const hinted = languageHint !== undefined ? LANGUAGE_HINTS[languageHint] : undefined;
  const order = (Object.keys(PARSERS) as StackLanguage[]).sort((a, b) => Number(b === hinted) - Number(a === hinted));
  let best: ParsedException[] = [];
  for (const language of order) {
    const chain = PARSERS[language](lines);
    if (frameCount(chain) > frameCount(best)) best = chain;
  }
  for (const exception of best) {
    if (exception.frames.length > MAX_FRAMES) exception.frames = exception.frames.slice(-MAX_FRAMES);
  }
  return best;
}
