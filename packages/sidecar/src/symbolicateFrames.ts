/**
 * What the ingest path asks of every error event before anything else, synchronously: whether it has a
 * frame symbolication could change. Small on purpose: it is loaded at start, the symbolicator (symbolicate.ts)
 * only with the first event that needs it.
 */

export type Frame = Record<string, unknown> & {
  filename?: unknown;
  abs_path?: unknown;
  lineno?: unknown;
  colno?: unknown;
  in_app?: unknown;
  context_line?: unknown;
};

/** The frame's http(s) URL, normalized, or undefined. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value).href;
  } catch {
    return undefined;
  }
}

/** A local absolute path (POSIX or Windows, or a file: URL), as Node frames carry them. */
export function localPath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(value).pathname);
    } catch {
      return undefined;
    }
  }
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) ? value : undefined;
}

/** The `values` of an event's `exception` or `threads` (or the list itself, as old SDKs sent it). */
export function valuesOf(container: unknown): Record<string, unknown>[] {
  const values = Array.isArray(container) ? container : (container as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? values.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

/**
 * Whether an event has a frame symbolication could change: at a URL of `origin` (the page that sent it),
 * or an app frame's file path without context.
 */
export function needsSymbolication(event: Record<string, unknown>, origin: string | undefined): boolean {
  for (const holder of [...valuesOf(event.exception), ...valuesOf(event.threads)]) {
    if (holder.raw_stacktrace !== undefined) continue;
    const frames = (holder.stacktrace as { frames?: unknown } | undefined)?.frames;
    if (!Array.isArray(frames)) continue;
    for (const frame of frames as Frame[]) {
      if (typeof frame !== 'object' || frame === null) continue;
      const url = httpUrl(frame.abs_path) ?? httpUrl(frame.filename);
      if (url) {
        if (origin !== undefined && new URL(url).origin === origin) return true;
        continue;
      }
      if ((localPath(frame.abs_path) ?? localPath(frame.filename)) && frame.context_line === undefined && frame.in_app !== false)
        return true;
    }
  }
  return false;
}
