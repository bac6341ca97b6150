import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One frame in Sentry's shape (the subset a local debugger needs). */
export interface StackFrame {
  filename: string;
  abs_path?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app: boolean;
  pre_context?: string[];
  context_line?: string;
  post_context?: string[];
}

// `    at fn (file:line:col)`, `    at async fn (file:line:col)`, `    at file:line:col`, `    at new Foo (...)`.
const V8_FRAME =
  /^\s*at (?:async )?(?:(.+?) \()?((?:node:|file:\/\/|\/|[A-Za-z]:[\\/]|[a-z-]+:\/\/)[^)]*?|<anonymous>|native):(\d+):(\d+)\)?\s*$/;
const V8_FRAME_NO_POSITION = /^\s*at (?:async )?(.+?) \((native|<anonymous>|index \d+)\)\s*$/;

/** Parses a V8 `error.stack` into Sentry frames, oldest call first (Sentry's order). */
export function parseV8Stack(stack: string, maxFrames = 50): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    if (frames.length >= maxFrames) break;
    const match = V8_FRAME.exec(line);
    if (match) {
      const location = toPath(match[2] ?? '');
      const fn = match[1];
      frames.push({
        filename: location,
        abs_path: location,
        ...(fn ? { function: fn } : {}),
        lineno: Number(match[3]),
        colno: Number(match[4]),
        in_app: isInApp(location),
      });
      continue;
    }
    const bare = V8_FRAME_NO_POSITION.exec(line);
    if (bare) frames.push({ filename: bare[2] ?? '<anonymous>', function: bare[1] ?? '?', in_app: false });
  }
  return frames.reverse();
}

function toPath(location: string): string {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return location;
    }
  }
  return location;
}

/** App code: a file of this project, neither Node's internals nor a dependency. */
export function isInApp(path: string): boolean {
  return isAbsolute(path) && !path.includes('/node_modules/') && !path.includes('\\node_modules\\');
}

export interface SourceContextOptions {
  /** Lines before and after the frame's line. */
  lines: number;
  /** Files larger than this are not read (minified bundles, generated code). */
  maxFileBytes: number;
  /** Distinct files read per stack: a deep stack must not read half the disk. */
  maxFiles: number;
  /** Source lines are cut to this length. */
  maxLineLength: number;
}

export const DEFAULT_SOURCE_CONTEXT: SourceContextOptions = { lines: 7, maxFileBytes: 2 * 1024 * 1024, maxFiles: 20, maxLineLength: 240 };

/**
 * Adds `pre_context`/`context_line`/`post_context` from the files on disk (asynchronously; unreadable files are
 * skipped). Frames are changed in place and returned.
 */
export async function addSourceContext(
  frames: StackFrame[],
  options: SourceContextOptions = DEFAULT_SOURCE_CONTEXT,
  readLines: (path: string, maxBytes: number) => Promise<string[] | undefined> = readSourceLines,
): Promise<StackFrame[]> {
  const files = new Map<string, Promise<string[] | undefined>>();
  for (const frame of frames) {
    const path = frame.abs_path;
    if (path === undefined || frame.lineno === undefined || !isAbsolute(path)) continue;
    let lines = files.get(path);
    if (lines === undefined) {
      if (files.size >= options.maxFiles) continue;
      lines = readLines(path, options.maxFileBytes);
      files.set(path, lines);
    }
    const source = await lines;
    if (source === undefined) continue;
    Object.assign(frame, contextAround(source, frame.lineno, options.lines, options.maxLineLength));
  }
  return frames;
}

export function contextAround(
  source: readonly string[],
  lineno: number,
  around: number,
  maxLineLength = DEFAULT_SOURCE_CONTEXT.maxLineLength,
): Pick<StackFrame, 'pre_context' | 'context_line' | 'post_context'> {
  const index = lineno - 1;
  if (index < 0 || index >= source.length) return {};
  const cut = (line: string): string => (line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line);
  return {
    pre_context: source.slice(Math.max(0, index - around), index).map(cut),
    context_line: cut(source[index] ?? ''),
    post_context: source.slice(index + 1, index + 1 + around).map(cut),
  };
}

export async function readSourceLines(path: string, maxBytes: number): Promise<string[] | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return (await readFile(path, 'utf8')).split(/\r?\n/);
  } catch {
    return undefined;
  }
}
