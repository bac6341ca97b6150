import { type Envelope, type EnvelopeSource, parseEnvelope, serializeEnvelope } from '@spotlight/envelope';
import type { EnvelopeStore, IngestedEnvelope } from './envelopeStore.ts';
import type { Logger } from './logger.ts';
import type { SymbolicateEnvelope } from './symbolicateEnvelope.ts';
import type { ViewerHub } from './viewers.ts';

/** Called with every envelope once stored and sent to viewers (forwarding to Sentry, tests). */
export type EnvelopeListener = (envelope: IngestedEnvelope) => void;

export interface IngestDeps {
  readonly store: EnvelopeStore;
  readonly viewers: ViewerHub;
  readonly maxItems: number;
  readonly log: Logger;
  readonly listeners?: readonly EnvelopeListener[];
  /** Called on every envelope (idle tracking). */
  readonly onActivity?: () => void;
  /** Error events whose frames map to original source are stored once mapped (see symbolicateEnvelope.ts). */
  readonly symbolicate?: SymbolicateEnvelope;
}

/**
 * Stores an envelope's bytes (a request body, which may be a transient view, or an envelope the
 * sidecar built from another format). `origin`: the request's Origin header, the page whose files
 * its frames may be looked up in. Answers the id to give the SDK: the stored envelope's, or the
 * event's for one that is stored once symbolicated. Throws EnvelopeParseError (a 400, or 413 past
 * the item limit).
 */
export type Ingest = (body: Uint8Array, source: EnvelopeSource, origin?: string) => { readonly id: string };

/** The one path every envelope takes: parse, (symbolicate,) store, send to live viewers, tell the listeners. */
export function createIngest(deps: IngestDeps): Ingest {
  const { store, viewers, maxItems, log, listeners = [], onActivity } = deps;
  const keep = (bytes: Uint8Array, envelope: Envelope, source: EnvelopeSource): IngestedEnvelope => {
    const ingested = store.add(bytes, envelope, source);
    viewers.broadcast(ingested.frame, ingested.seq);
    onActivity?.();
    if (log.debugEnabled) {
      log.debug(
        `envelope ${ingested.id} from ${source}: ${bytes.byteLength} bytes, items: ${envelope.items.map((i) => i.header.type).join(', ') || 'none'}`,
      );
    }
    for (const listener of listeners) {
      try {
        listener(ingested);
      } catch (error) {
        log.error(`envelope listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return ingested;
  };
  return (body, source, origin) => {
    // The body may be a view of a socket's buffer. The store copies what it keeps; listeners may hold
    // on to the envelope (a forwarder's queue), so they get bytes of their own.
    const bytes = listeners.length > 0 ? Uint8Array.from(body) : body;
    const envelope = parseEnvelope(bytes, { maxItems });
    const later = deps.symbolicate?.(envelope, origin);
    if (!later) return keep(bytes, envelope, source);
    void later.then((mapped) => {
      try {
        const out = serializeEnvelope(mapped);
        keep(out, parseEnvelope(out, { maxItems }), source);
      } catch (error) {
        log.error(`symbolicated envelope not stored: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    const eventId = envelope.header.event_id;
    return { id: typeof eventId === 'string' ? eventId : '' };
  };
}
