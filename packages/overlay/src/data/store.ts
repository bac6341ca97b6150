import type { StoredEnvelope, WireEnvelope } from '@spotlight/envelope';
import { createDeriver, type Derivation, type EnvelopeReader } from './derive.ts';

/** One envelope as the overlay keeps it (the protocol's viewer-side envelope). Views build their selectors over `readonly StoredEnvelope[]`. */
export type { StoredEnvelope };

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** Why the last attempt failed, for the status tooltip. */
  readonly error?: string;
  /** When the next attempt starts (ms since the epoch), while reconnecting. */
  readonly retryAt?: number;
}

export interface StoreSnapshot {
  /** Oldest first. A new array after every change, the same array while nothing changed. */
  readonly envelopes: readonly StoredEnvelope[];
  readonly connection: ConnectionState;
  /** Trace ids that this page load started (reported by the browser SDK bridge). */
  readonly sessionTraceIds: ReadonlySet<string>;
  /** Increases with every change the subscribers are told about. */
  readonly version: number;
  /** How many envelopes were dropped because the store was full, since the last clear. */
  readonly dropped: number;
}

/**
 * Runs `flush` once, later: after `afterMs` when given, then at the next animation frame in browsers.
 * Returns a cancel function.
 */
export type Scheduler = (flush: () => void, afterMs?: number) => () => void;

export interface StoreOptions {
  /** Most envelopes kept; beyond it the oldest are dropped. Default 10,000. */
  readonly cap?: number;
  readonly schedule?: Scheduler;
  /** Wall clock for `receivedAt` (default Date.now). */
  readonly now?: () => number;
  /** Times what a flush costs its subscribers (default performance.now). */
  readonly clock?: () => number;
  /**
   * Envelope readers (see derive.ts) to run on every envelope as it arrives, so that a render after a
   * burst only joins their results. A sidecar's replay of thousands of envelopes is read in slices that
   * hand the thread back every 25 ms: derived there, that work is spread over those slices instead of
   * landing in a single render of several hundred ms. A throw is ignored: the views read it again and
   * report from there.
   */
  readonly prepare?: readonly EnvelopeReader<unknown>[];
  /** Called with every envelope added, as it arrives (after `prepare`). A throw is ignored. */
  readonly onAdd?: (entry: StoredEnvelope) => void;
  /**
   * Publish new envelopes in steps, each a task of its own: a step takes at most this many into the
   * snapshot and brings the views read since the last step up to date (see `Deriver.refresh`); the
   * subscribers are told at the next frame and render what is already derived. A sidecar's replay of
   * thousands of envelopes thus costs many short tasks instead of a few long renders. Default: no steps
   * (each frame publishes everything, the subscribers derive). `flush()` publishes everything at once.
   */
  readonly stepEnvelopes?: number;
  /** Runs a step as a task of its own (default `setTimeout(task, 0)`); returns a cancel function. */
  readonly post?: (task: () => void) => () => void;
}

export interface Store {
  /** Adds an envelope unless one with the same sidecar id or event id is there. Returns whether it was added. */
  add(envelope: WireEnvelope, id?: string): boolean;
  clear(): void;
  setConnection(connection: ConnectionState): void;
  addSessionTraceIds(traceIds: Iterable<string>): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): StoreSnapshot;
  /** Tells subscribers about pending changes now instead of at the next scheduled flush. */
  flush(): void;
  /** Cancels a pending flush and forgets every subscriber. */
  destroy(): void;
  /**
   * A derivation's result (see derive.ts) for the envelopes as of the last flush: computed once per
   * version, from what changed since the last read. Its caches belong to this store.
   */
  read<S, R>(derivation: Derivation<S, R, undefined>): R;
  read<S, R, P>(derivation: Derivation<S, R, P>, param: P): R;
  /** An envelope reader's result for a stored envelope, read once per store. */
  of<R>(reader: EnvelopeReader<R>, entry: StoredEnvelope): R;
  /** Arrival order of a stored envelope: marks like "seen up to here" (see `errorArrivals`). */
  seqOf(entry: StoredEnvelope): number;
}

export const DEFAULT_CAP = 10_000;

/**
 * A flush waits until the page has had twice the time the previous one cost its subscribers (their
 * renders included), at most MAX_PACE_MS. Cheap renders still come every frame; when a large store
 * makes each one cost 100 ms (a sidecar replaying thousands of envelopes), they come every 300 ms
 * instead of every frame, and the time between is left to reading the stream and to the user.
 */
const PACE = 2;
const MAX_PACE_MS = 1000;

/** requestAnimationFrame when there is one (bursts cost one render per frame), else a macrotask. */
export const frameScheduler: Scheduler = (flush, afterMs = 0) => {
  if (afterMs > 0) {
    let cancelFrame: (() => void) | undefined;
    const timer = setTimeout(() => {
      cancelFrame = frameScheduler(flush);
    }, afterMs);
    return () => {
      clearTimeout(timer);
      cancelFrame?.();
    };
  }
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(() => flush());
    // A hidden tab gets no frames: a timer makes sure the data still lands.
    const timer = setTimeout(flush, 250);
    return () => {
      cancelAnimationFrame(handle);
      clearTimeout(timer);
    };
  }
  const timer = setTimeout(flush, 16);
  return () => clearTimeout(timer);
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EVENT_ID_ITEM_TYPES: ReadonlySet<string> = new Set(['event', 'transaction', 'feedback', 'user_report']);

/** Event ids an envelope carries: the header's, and those of its event-like items. */
export function envelopeEventIds(envelope: WireEnvelope): string[] {
  const ids = new Set<string>();
  const headerId = envelope[0].event_id;
  if (typeof headerId === 'string' && headerId.length > 0) ids.add(headerId);
  for (const [header, payload] of envelope[1]) {
    if (!EVENT_ID_ITEM_TYPES.has(header.type) || !isRecord(payload)) continue;
    const id = payload.event_id;
    if (typeof id === 'string' && id.length > 0) ids.add(id);
  }
  return [...ids];
}

export function createStore(options: StoreOptions = {}): Store {
  const cap = Math.max(1, Math.floor(options.cap ?? DEFAULT_CAP));
  const schedule = options.schedule ?? frameScheduler;
  const now = options.now ?? Date.now;
  const clock = options.clock ?? (() => performance.now());
  // Every derived cache of this store: envelope readings, derivation states, path memos.
  const deriver = createDeriver();

  // Kept in a ring-like array with a moving start so dropping the oldest is O(1) amortized.
  let items: StoredEnvelope[] = [];
  let start = 0;
  const byId = new Set<string>();
  const byEventId = new Map<string, string>();
  const eventIdsOf = new Map<string, string[]>();
  let localSeq = 0;
  let dropped = 0;
  let connection: ConnectionState = { status: 'idle' };
  let sessionTraceIds: ReadonlySet<string> = new Set();
  let lastReceivedAt = 0;

  let snapshot: StoreSnapshot = { envelopes: [], connection, sessionTraceIds, version: 0, dropped: 0 };
  let dirty = false;
  // Selectors recompute when the envelope array changes: keep it while only the connection changed.
  let envelopesChanged = false;
  let cancelFlush: (() => void) | undefined;
  const listeners = new Set<() => void>();
  // What the last flush cost (ms, its subscribers' work included) and when that work ended.
  let flushCost = 0;
  let flushEnd = Number.NEGATIVE_INFINITY;

  // Envelopes at the end of `items` that the snapshot does not have yet.
  let unpublished = 0;
  const stepEnvelopes = options.stepEnvelopes !== undefined ? Math.max(1, options.stepEnvelopes) : undefined;
  const post =
    options.post ??
    ((task: () => void) => {
      const timer = setTimeout(task, 0);
      return () => clearTimeout(timer);
    });
  let cancelStep: (() => void) | undefined;
  // The snapshot changed since the subscribers were last told.
  let untold = false;

  /** Takes pending changes (at most `limit` new envelopes) into a new snapshot. */
  function publish(limit: number): void {
    if (!dirty) return;
    unpublished = Math.max(0, Math.min(unpublished, items.length - start) - limit);
    dirty = unpublished > 0;
    const envelopes = envelopesChanged ? items.slice(start, items.length - unpublished) : snapshot.envelopes;
    envelopesChanged = unpublished > 0;
    snapshot = { envelopes, connection, sessionTraceIds, version: snapshot.version + 1, dropped };
    untold = true;
  }

  function tell(): void {
    cancelFlush?.();
    cancelFlush = undefined;
    if (!untold) return;
    untold = false;
    deriver.nextRound();
    const started = clock();
    for (const listener of [...listeners]) listener();
    // React renders what useSyncExternalStore subscribers asked for in a microtask they queued: this
    // one, queued after them, runs once that render is done.
    queueMicrotask(() => {
      flushEnd = clock();
      flushCost = flushEnd - started;
    });
  }

  /** Tells the subscribers at a frame, paced by what telling them cost last time. */
  function scheduleTell(): void {
    if (cancelFlush !== undefined) return;
    const wait = Math.min(MAX_PACE_MS, flushCost * PACE) - (clock() - flushEnd);
    cancelFlush = schedule(stepEnvelopes === undefined ? frame : tell, Math.max(0, wait));
  }

  function frame(): void {
    publish(Number.POSITIVE_INFINITY);
    tell();
  }

  function step(): void {
    cancelStep = undefined;
    publish(stepEnvelopes ?? Number.POSITIVE_INFINITY);
    deriver.refresh(snapshot.envelopes);
    if (dirty) cancelStep = post(step);
    scheduleTell();
  }

  function flush(): void {
    cancelStep?.();
    cancelStep = undefined;
    frame();
  }

  function changed(envelopes = false): void {
    if (envelopes) envelopesChanged = true;
    dirty = true;
    if (stepEnvelopes === undefined) scheduleTell();
    else cancelStep ??= post(step);
  }

  function forget(entry: StoredEnvelope): void {
    byId.delete(entry.id);
    for (const eventId of eventIdsOf.get(entry.id) ?? []) {
      if (byEventId.get(eventId) === entry.id) byEventId.delete(eventId);
    }
    eventIdsOf.delete(entry.id);
  }

  function nextLocalId(envelope: WireEnvelope): string {
    const fromHeader = envelope[0].__spotlight_envelope_id;
    if (typeof fromHeader === 'string' && fromHeader.length > 0) return fromHeader;
    localSeq += 1;
    return `local-${localSeq}`;
  }

  return {
    add(envelope, id) {
      const key = id !== undefined && id.length > 0 ? id : nextLocalId(envelope);
      if (byId.has(key)) return false;
      const eventIds = envelopeEventIds(envelope);
      if (eventIds.some((eventId) => byEventId.has(eventId))) return false;
      // Never earlier than the previous one: ordering by receivedAt stays the arrival order.
      const receivedAt = Math.max(now(), lastReceivedAt);
      lastReceivedAt = receivedAt;
      const entry: StoredEnvelope = { id: key, receivedAt, envelope };
      items.push(entry);
      unpublished += 1;
      byId.add(key);
      if (eventIds.length > 0) {
        eventIdsOf.set(key, eventIds);
        for (const eventId of eventIds) byEventId.set(eventId, key);
      }
      while (items.length - start > cap) {
        const oldest = items[start];
        start += 1;
        if (oldest) forget(oldest);
        dropped += 1;
      }
      if (start > 0 && start * 2 >= items.length) {
        items = items.slice(start);
        start = 0;
      }
      changed(true);
      // Numbered now: marks taken before the next flush (see seqOf) compare right.
      deriver.seqOf(entry);
      for (const reader of options.prepare ?? []) {
        try {
          deriver.of(reader, entry);
        } catch {
          // Not remembered: the views read it again and show what fails.
        }
      }
      if (options.onAdd !== undefined) {
        try {
          options.onAdd(entry);
        } catch {
          // A cache that could not be filled now: the views derive it again and show what fails.
        }
      }
      return true;
    },
    clear() {
      items = [];
      start = 0;
      unpublished = 0;
      byId.clear();
      byEventId.clear();
      eventIdsOf.clear();
      dropped = 0;
      changed(true);
    },
    setConnection(next) {
      if (next.status === connection.status && next.error === connection.error && next.retryAt === connection.retryAt) return;
      connection = next;
      changed();
    },
    addSessionTraceIds(traceIds) {
      const merged = new Set(sessionTraceIds);
      for (const traceId of traceIds) if (typeof traceId === 'string' && traceId.length > 0) merged.add(traceId);
      if (merged.size === sessionTraceIds.size) return;
      sessionTraceIds = merged;
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    flush,
    read: <S, R, P>(derivation: Derivation<S, R, P>, param?: P) => deriver.read(derivation, snapshot.envelopes, param as P),
    of: (reader, entry) => deriver.of(reader, entry),
    seqOf: (entry) => deriver.seqOf(entry),
    destroy() {
      cancelFlush?.();
      cancelFlush = undefined;
      cancelStep?.();
      cancelStep = undefined;
      listeners.clear();
    },
  };
}
