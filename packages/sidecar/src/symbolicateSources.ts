/**
 * What symbolication may read, and how much. Untrusted input chooses the paths (a stack frame is an
 * event's text), so:
 * - URLs: only on the origin of the page that sent the envelope (its `Origin` header, which the
 *   cross-site guard already accepted: a local origin or an `--allowed-origin`), never following a
 *   redirect, each response at most `maxBytes` and `timeoutMs`; kept per origin in a bounded cache,
 *   revalidated (ETag) once older than `freshMs`, so a burst of errors fetches each file once.
 * - Files: only under the app's roots (`--source-root`, default the folder the sidecar started in),
 *   symbolic links resolved before the check, regular files of at most `maxBytes`.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Source } from './symbolicate.ts';

export interface SourceFetcherOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Responses kept per origin (by URL), and origins kept, least recently used first out. */
  readonly maxEntries: number;
  readonly maxOrigins: number;
  /** Bytes kept per origin. */
  readonly maxCachedBytes: number;
  /** A cached response is used without asking again for this long. */
  readonly freshMs: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

interface Cached {
  source: Source | undefined;
  etag: string | undefined;
  checkedAt: number;
  size: number;
  pending: Promise<Source | undefined> | undefined;
}

export type SourceFetcher = (url: string, origin: string) => Promise<Source | undefined>;

export function createSourceFetcher(options: SourceFetcherOptions): SourceFetcher {
  const now = options.now ?? Date.now;
  const origins = new Map<string, Map<string, Cached>>();

  const cacheOf = (origin: string): Map<string, Cached> => {
    let cache = origins.get(origin);
    if (cache) origins.delete(origin);
    else cache = new Map();
    origins.set(origin, cache);
    while (origins.size > options.maxOrigins) origins.delete(origins.keys().next().value as string);
    return cache;
  };

  const trim = (cache: Map<string, Cached>) => {
    let bytes = 0;
    for (const entry of cache.values()) bytes += entry.size;
    for (const [url, entry] of cache) {
      if (cache.size <= options.maxEntries && bytes <= options.maxCachedBytes) break;
      if (entry.pending) continue;
      cache.delete(url);
      bytes -= entry.size;
    }
  };

  const load = async (url: string, entry: Cached, cache: Map<string, Cached>): Promise<Source | undefined> => {
    const headers: Record<string, string> = {};
    if (entry.etag && entry.source) headers['If-None-Match'] = entry.etag;
    try {
      const response = await (options.fetch ?? fetch)(url, {
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status === 304 && entry.source) return entry.source;
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      const text = await readLimited(response, options.maxBytes);
      if (text === undefined) return undefined;
      entry.etag = response.headers.get('etag') ?? undefined;
      entry.size = text.length;
      return { url, text };
    } catch {
      return undefined;
    } finally {
      entry.checkedAt = now();
      trim(cache);
    }
  };

  return (url, origin) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.resolve(undefined);
    }
    if (parsed.origin !== origin || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return Promise.resolve(undefined);
    const cache = cacheOf(origin);
    let entry = cache.get(url);
    if (entry) {
      cache.delete(url);
      cache.set(url, entry);
      if (entry.pending) return entry.pending;
      if (entry.source && now() - entry.checkedAt < options.freshMs) return Promise.resolve(entry.source);
    } else {
      entry = { source: undefined, etag: undefined, checkedAt: 0, size: 0, pending: undefined };
      cache.set(url, entry);
    }
    const current = entry;
    current.pending = load(url, current, cache).then((source) => {
      current.source = source;
      current.pending = undefined;
      if (!source) cache.delete(url);
      return source;
    });
    return current.pending;
  };
}

/** The body as text, or undefined past `maxBytes` (announced or read). */
async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  const announced = Number(response.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface SourceReaderOptions {
  /** Folders whose files may be read (absolute). */
  readonly roots: readonly string[];
  readonly maxBytes: number;
}

export type SourceReader = (path: string) => Promise<Source | undefined>;

/** Reads a file only when its real path is inside one of the roots' real paths. */
export function createSourceReader(options: SourceReaderOptions): SourceReader {
  let roots: Promise<string[]> | undefined;
  const realRoots = () => {
    roots ??= Promise.all(options.roots.map((root) => realpath(resolve(root)).catch(() => undefined))).then((all) =>
      all.filter((root): root is string => root !== undefined),
    );
    return roots;
  };
  return async (path) => {
    if (!isAbsolute(path)) return undefined;
    try {
      const real = await realpath(path);
      if (!(await realRoots()).some((root) => isInside(real, root))) return undefined;
      const info = await stat(real);
      if (!info.isFile() || info.size > options.maxBytes) return undefined;
      return { url: path, text: await readFile(real, 'utf8') };
    } catch {
      return undefined;
    }
  };
}

function isInside(path: string, root: string): boolean {
  if (path === root) return false;
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
