/**
 * Maps an error event's stack frames back to the original source, as Sentry's symbolicator does for
 * JavaScript: a frame at a URL is looked up in that file's source map (inline, as Vite's dev server
 * serves modules, or a `.map` next to a bundle) for the original file, line and column, and gets the
 * original lines around it as context; a frame that arrives as a file path without context gets its
 * lines from the file. Frames under `node_modules` (Vite's pre-bundled `node_modules/.vite/deps/...`
 * included) and those a map marks as ignored are library frames (`in_app: false`). The frames as the SDK
 * sent them stay in `raw_stacktrace`.
 *
 * Pure: what may be read is the caller's decision, through `fetchSource` (only the page's own origin)
 * and `readFile` (only under the app's roots); see symbolicator.ts.
 */
import type { TraceMap } from '@jridgewell/trace-mapping';
import { contextOf, type SourceContext, splitLines } from './sourceContext.ts';
import { type Frame, httpUrl, localPath, valuesOf } from './symbolicateFrames.ts';

export type { Frame } from './symbolicateFrames.ts';

/** A file's text and where it was read (a URL or a file path). */
export interface Source {
  readonly url: string;
  readonly text: string;
}

/** What this module uses of `@jridgewell/trace-mapping` (loaded only when a frame needs it). */
export interface TraceMapping {
  AnyMap: new (map: string, mapUrl: string) => TraceMap;
  originalPositionFor(
    map: TraceMap,
    needle: { line: number; column: number },
  ): { source: string | null; line: number | null; column: number | null };
  sourceContentFor(map: TraceMap, source: string): string | null;
  isIgnored(map: TraceMap, source: string): boolean;
}

export interface SymbolicateDeps {
  /** The text at an http(s) URL, or undefined when it may not be fetched or failed. */
  fetchSource(url: string): Promise<Source | undefined>;
  /** A local file's text, or undefined when it may not be read or failed. */
  readFile(path: string): Promise<Source | undefined>;
  loadTraceMapping(): Promise<TraceMapping>;
}

interface ParsedMap {
  readonly map: TraceMap;
  readonly mapping: TraceMapping;
}

/** The comment that names a file's source map, on its last line (an inline map can be megabytes long). */
const SOURCE_MAPPING_URL = /^\/[*/][#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/)?$/;

function isLibrary(path: string): boolean {
  return /[\\/]node_modules[\\/]/.test(path);
}

/** How a frame names an original source: the URL's path on the page's origin, a file's path, else the source as the map says. */
function displayName(source: string): string {
  const url = httpUrl(source);
  if (url) return decodeURIComponent(new URL(url).pathname);
  return localPath(source) ?? source;
}

function sourceMapUrl(source: Source): string | undefined {
  const text = source.text.trimEnd();
  const match = SOURCE_MAPPING_URL.exec(text.slice(text.lastIndexOf('\n') + 1).trim());
  if (!match?.[1]) return undefined;
  try {
    return new URL(match[1], source.url).href;
  } catch {
    return undefined;
  }
}

function decodeDataUrl(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  try {
    return meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
  } catch {
    return undefined;
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Maps frames; one instance per sidecar, as it remembers parsed maps by source (the caller's cache of
 * sources hands out the same object while a file is unchanged).
 */
export type Symbolicator = ReturnType<typeof createSymbolicator>;

export function createSymbolicator(deps: SymbolicateDeps) {
  const maps = new WeakMap<Source, Promise<ParsedMap | undefined>>();
  const lines = new WeakMap<Source, string[]>();
  let mapping: Promise<TraceMapping> | undefined;

  const linesOf = (source: Source): string[] => {
    let known = lines.get(source);
    if (!known) {
      known = splitLines(source.text);
      lines.set(source, known);
    }
    return known;
  };

  const parseMap = async (generated: Source): Promise<ParsedMap | undefined> => {
    const url = sourceMapUrl(generated);
    if (!url) return undefined;
    const text = url.startsWith('data:') ? decodeDataUrl(url) : (await deps.fetchSource(url))?.text;
    if (text === undefined) return undefined;
    mapping ??= deps.loadTraceMapping();
    const loaded = await mapping;
    try {
      // Sources resolve against the map's URL; an inline map's against the file's.
      return { map: new loaded.AnyMap(text, url.startsWith('data:') ? generated.url : url), mapping: loaded };
    } catch {
      return undefined;
    }
  };

  const mapOf = (generated: Source): Promise<ParsedMap | undefined> => {
    let known = maps.get(generated);
    if (!known) {
      known = parseMap(generated);
      maps.set(generated, known);
    }
    return known;
  };

  const withContext = (frame: Frame, context: SourceContext | undefined): Frame => (context ? { ...frame, ...context } : frame);

  /** A frame at a URL: through the file's source map when it has one, else in the file as served. */
  const mapUrlFrame = async (frame: Frame, url: string): Promise<Frame | undefined> => {
    const library = isLibrary(new URL(url).pathname);
    const asLibrary = library && frame.in_app !== false ? { ...frame, in_app: false } : undefined;
    const { lineno, colno } = frame;
    if (!isNumber(lineno)) return asLibrary;
    const generated = await deps.fetchSource(url);
    if (!generated) return asLibrary;
    const parsed = await mapOf(generated);
    if (!parsed) {
      if (frame.context_line !== undefined) return asLibrary;
      return withContext(asLibrary ?? frame, contextOf(linesOf(generated), lineno, isNumber(colno) ? colno : undefined));
    }
    const { map, mapping } = parsed;
    const position = mapping.originalPositionFor(map, { line: lineno, column: isNumber(colno) ? Math.max(colno - 1, 0) : 0 });
    if (!position.source || position.line === null) return asLibrary;
    const source = position.source;
    const original: Frame = {
      ...frame,
      filename: displayName(source),
      abs_path: source,
      lineno: position.line,
      colno: (position.column ?? 0) + 1,
      in_app: library || isLibrary(source) || mapping.isIgnored(map, source) ? false : (frame.in_app ?? true),
    };
    delete original.pre_context;
    delete original.context_line;
    delete original.post_context;
    let content = mapping.sourceContentFor(map, source);
    if (content === null) {
      // A map without the sources' text: only a local file is read (a URL would give the served, compiled code).
      const path = localPath(source);
      content = path ? ((await deps.readFile(path))?.text ?? null) : null;
    }
    if (content === null) return original;
    return withContext(original, contextOf(splitLines(content), position.line, (position.column ?? 0) + 1));
  };

  /**
   * An app frame as a file path (a Node frame whose SDK added no context): the lines around it from the file.
   * Library frames are folded in every viewer: their files are not read.
   */
  const mapPathFrame = async (frame: Frame, path: string): Promise<Frame | undefined> => {
    if (frame.context_line !== undefined || frame.in_app === false || !isNumber(frame.lineno)) return undefined;
    const file = await deps.readFile(path);
    if (!file) return undefined;
    return withContext(frame, contextOf(linesOf(file), frame.lineno, isNumber(frame.colno) ? frame.colno : undefined));
  };

  /** The frame mapped, or undefined when nothing about it changes. */
  const mapFrame = async (frame: Frame): Promise<Frame | undefined> => {
    try {
      const url = httpUrl(frame.abs_path) ?? httpUrl(frame.filename);
      if (url) return await mapUrlFrame(frame, url);
      const path = localPath(frame.abs_path) ?? localPath(frame.filename);
      if (path) return await mapPathFrame(frame, path);
    } catch {
      // One unreadable frame leaves it as it came; the others are still mapped.
    }
    return undefined;
  };

  /** Maps frames (oldest first, as Sentry orders them); undefined when none changed. */
  const mapFrames = async (frames: readonly Frame[]): Promise<Frame[] | undefined> => {
    const mapped = await Promise.all(frames.map((frame) => mapFrame(frame)));
    if (mapped.every((frame) => frame === undefined)) return undefined;
    return mapped.map((frame, i) => frame ?? (frames[i] as Frame));
  };

  /**
   * Maps every stack trace of an event in place (exceptions and threads), keeping the frames as they
   * came in `raw_stacktrace`. Resolves whether anything changed.
   */
  const symbolicateEvent = async (event: Record<string, unknown>): Promise<boolean> => {
    const holders = [...valuesOf(event.exception), ...valuesOf(event.threads)];
    const results = await Promise.all(
      holders.map(async (holder) => {
        const stacktrace = holder.stacktrace as { frames?: unknown } | undefined;
        if (!stacktrace || !Array.isArray(stacktrace.frames) || holder.raw_stacktrace !== undefined) return false;
        const frames = stacktrace.frames.filter((f): f is Frame => typeof f === 'object' && f !== null);
        const mapped = await mapFrames(frames);
        if (!mapped) return false;
        holder.raw_stacktrace = stacktrace;
        holder.stacktrace = { ...stacktrace, frames: mapped };
        return true;
      }),
    );
    return results.some(Boolean);
  };

  return { mapFrames, symbolicateEvent };
}
