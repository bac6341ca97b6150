/**
 * Symbolication at ingest, so every viewer (overlay, `tail`, MCP, export) gets original source lines.
 * Called with each envelope as it arrives: it says at once (synchronously) whether the envelope has an
 * error event whose frames can be mapped; only those are held back, at most `timeoutMs`, and stored
 * rewritten (or as they came, if mapping failed or took too long). Everything else takes the plain path.
 * `@jridgewell/trace-mapping` loads with the first envelope that needs it: not at start.
 */
import { resolve } from 'node:path';
import { createEnvelope, createItem, type Envelope, type Item, itemJson } from '@spotlight/envelope';
import type { Symbolicator } from './symbolicate.ts';
import { needsSymbolication } from './symbolicateFrames.ts';

export interface EnvelopeSymbolicatorOptions {
  /** Folders whose files frames may name (the app's roots). */
  readonly sourceRoots: readonly string[];
  /** Longest an envelope is held back. */
  readonly timeoutMs?: number;
  /** Largest file, source map or response read. */
  readonly maxSourceBytes?: number;
  /** @internal Tests swap how URLs are fetched. */
  readonly fetch?: typeof fetch;
}

/**
 * Undefined: store the envelope as it is, now. A promise: of the envelope to store, rewritten or not; it
 * holds copies of what it keeps, so the envelope given may be a view of a transient request buffer.
 */
export type SymbolicateEnvelope = (envelope: Envelope, origin: string | undefined) => Promise<Envelope> | undefined;

const DEFAULT_TIMEOUT_MS = 3000;
const MiB = 1024 * 1024;

export function createEnvelopeSymbolicator(options: EnvelopeSymbolicatorOptions): SymbolicateEnvelope {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxSourceBytes ?? 16 * MiB;
  // The symbolicator and what reads files and URLs (node:fs) load with the first envelope that needs them, not at start.
  let loaded: Promise<{ symbolicatorFor(origin: string | undefined): Symbolicator }> | undefined;
  const load = () => {
    loaded ??= Promise.all([import('./symbolicateSources.ts'), import('./symbolicate.ts')]).then(
      ([{ createSourceFetcher, createSourceReader }, { createSymbolicator }]) => {
        const fetchSource = createSourceFetcher({
          maxBytes,
          // Each request gets most of the envelope's time: a map is fetched after its file.
          timeoutMs: Math.max(100, Math.floor(timeoutMs * 0.6)),
          maxEntries: 128,
          maxOrigins: 8,
          maxCachedBytes: 64 * MiB,
          freshMs: 2000,
          fetch: options.fetch,
        });
        const readFile = createSourceReader({ roots: options.sourceRoots, maxBytes });
        // One symbolicator per page origin: its parsed maps belong to that origin's sources.
        const byOrigin = new Map<string, Symbolicator>();
        const symbolicatorFor = (origin: string | undefined): Symbolicator => {
          const key = origin ?? '';
          let symbolicator = byOrigin.get(key);
          if (!symbolicator) {
            symbolicator = createSymbolicator({
              fetchSource: async (url) => (origin === undefined ? undefined : fetchSource(url, origin)),
              readFile,
              loadTraceMapping: () => import('@jridgewell/trace-mapping'),
            });
            byOrigin.set(key, symbolicator);
            if (byOrigin.size > 16) byOrigin.delete(byOrigin.keys().next().value as string);
          }
          return symbolicator;
        };
        return { symbolicatorFor };
      },
    );
    return loaded;
  };

  // What an event must mention to have a frame worth a look (as JSON writes it): its page's origin, or a root.
  // Searched in the payload's bytes, so the events of other apps (most server SDKs' events) are not even parsed.
  const roots = options.sourceRoots.map((root) => Buffer.from(JSON.stringify(resolve(root)).slice(1, -1)));
  const mentions = (payload: Uint8Array, needles: readonly Buffer[]) => {
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return needles.some((needle) => bytes.includes(needle));
  };

  return (envelope, origin) => {
    const needles = origin === undefined ? roots : [Buffer.from(origin), ...roots];
    const events: { index: number; event: Record<string, unknown> }[] = [];
    envelope.items.forEach((item, index) => {
      if (item.header.type !== 'event' || !mentions(item.payload, needles)) return;
      let event: unknown;
      try {
        event = itemJson(item);
      } catch {
        return;
      }
      if (typeof event === 'object' && event !== null && needsSymbolication(event as Record<string, unknown>, origin)) {
        events.push({ index, event: event as Record<string, unknown> });
      }
    });
    if (events.length === 0) return undefined;
    const kept = createEnvelope(
      envelope.header,
      envelope.items.map((item) => ({ header: item.header, payload: Uint8Array.from(item.payload) })),
    );
    const work = load()
      .then(({ symbolicatorFor }) => Promise.all(events.map(({ event }) => symbolicatorFor(origin).symbolicateEvent(event))))
      .then((changed) => {
        if (!changed.some(Boolean)) return kept;
        const items: Item[] = [...kept.items];
        events.forEach(({ index, event }, i) => {
          if (!changed[i]) return;
          const { length: _length, ...header } = (items[index] as Item).header;
          items[index] = createItem(header, JSON.stringify(event));
        });
        return createEnvelope(kept.header, items);
      });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<Envelope>((resolve) => {
      timer = setTimeout(() => resolve(kept), timeoutMs);
    });
    return Promise.race([work.catch(() => kept), deadline]).finally(() => clearTimeout(timer));
  };
}
