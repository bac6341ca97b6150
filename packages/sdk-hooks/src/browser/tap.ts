/**
 * The tap on one Sentry client: every envelope the SDK sends (its `beforeEnvelope` hook, which runs
 * whether or not the SDK has a DSN) is also POSTed to the sidecar, a few requests at a time, in order
 * of capture. What cannot be kept is counted, said once on the console, and reported to the sidecar as
 * a client report, so the overlay's SDKs view shows it too.
 */
import type { SentryClientLike, SentryEnvelopeLike, SentrySpanLike } from '../sentry.ts';
import { serializeSdkEnvelope } from '../serialize.ts';
import { sidecarStreamUrl } from '../url.ts';

export interface TapCounts {
  /** Envelopes the sidecar accepted. */
  sent: number;
  /** Envelopes whose request failed or was refused (the sidecar was down or said no). */
  failed: number;
  /** Envelopes the bridge's queue had no room for. */
  dropped: number;
}

export interface Tap {
  readonly traceIds: Set<string>;
  readonly listeners: Set<(traceIds: ReadonlySet<string>) => void>;
  readonly counts: TapCounts;
  /** What the SDK dropped before the tap saw it (a full buffer), per data category. */
  readonly sdkDropped: Map<string, number>;
  stop(): void;
}

export interface TapOptions {
  readonly base: string | undefined;
  readonly send: typeof fetch | undefined;
  readonly maxInFlight: number;
  readonly maxQueued: number;
  /** False when Sentry's own Spotlight integration already sends this client's envelopes to the same sidecar. */
  readonly forward: boolean;
  readonly sdkDropped: Map<string, number>;
  readonly warn: (message: string) => void;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
/**
 * Keepalive requests may outlive the page (an error right before a navigation still arrives), but a
 * browser refuses them once the keepalive bodies in flight add up to 64 KiB: past that, plain requests.
 */
const KEEPALIVE_BUDGET = 60_000;

/** The drop reason our client reports give the bridge's own queue (Sentry's reasons name the SDK's). */
export const BRIDGE_OVERFLOW_REASON = 'spotlight_queue_overflow';

export function createTap(client: SentryClientLike, options: TapOptions): Tap {
  const traceIds = new Set<string>();
  const listeners = new Set<(traceIds: ReadonlySet<string>) => void>();
  const counts: TapCounts = { sent: 0, failed: 0, dropped: 0 };
  const queue: Uint8Array[] = [];
  const cleanups: (() => void)[] = [];
  let stopped = false;
  let inFlight = 0;
  let keepaliveBytes = 0;
  let warned = false;
  let lastSdk: unknown;
  // Drops already told to the sidecar: a report carries only what is new since the last one.
  let reportedBridge = 0;
  const reportedSdk = new Map<string, number>();

  const addTraceId = (id: unknown) => {
    if (typeof id !== 'string' || !TRACE_ID.test(id) || traceIds.has(id)) return;
    traceIds.add(id);
    for (const listener of listeners) listener(new Set(traceIds));
  };

  const post = (url: string, body: Uint8Array, keepalive: boolean) =>
    // text/plain keeps it a "simple" request: no CORS preflight per envelope.
    (options.send as typeof fetch)(url, {
      method: 'POST',
      body: body as Uint8Array<ArrayBuffer>,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      credentials: 'omit',
      keepalive,
    });

  const deliver = async (url: string, body: Uint8Array) => {
    const keepalive = keepaliveBytes + body.byteLength <= KEEPALIVE_BUDGET;
    if (keepalive) keepaliveBytes += body.byteLength;
    try {
      let response: Response;
      try {
        response = await post(url, body, keepalive);
      } catch (error) {
        // The page's keepalive quota is shared (Sentry's own transport uses it too): a refused
        // keepalive request is sent again as a plain one rather than lost.
        if (!keepalive) throw error;
        response = await post(url, body, false);
      }
      if (response.ok) counts.sent++;
      else counts.failed++;
    } catch {
      counts.failed++;
    } finally {
      if (keepalive) keepaliveBytes -= body.byteLength;
    }
  };

  /** Once the queue has drained: a client report of what was dropped since the last one. */
  const reportDrops = () => {
    const discarded: { reason: string; category: string; quantity: number }[] = [];
    for (const [category, total] of options.sdkDropped) {
      const quantity = total - (reportedSdk.get(category) ?? 0);
      if (quantity > 0) discarded.push({ reason: 'queue_overflow', category, quantity });
      reportedSdk.set(category, total);
    }
    if (counts.dropped > reportedBridge) {
      discarded.push({ reason: BRIDGE_OVERFLOW_REASON, category: 'envelope', quantity: counts.dropped - reportedBridge });
      reportedBridge = counts.dropped;
    }
    if (discarded.length === 0) return;
    if (!warned) {
      warned = true;
      const total = discarded.reduce((sum, d) => sum + d.quantity, 0);
      options.warn(
        `[Spotlight] ${total} of this page's Sentry events were dropped in a burst before reaching the sidecar; ` +
          'the SDKs view counts every drop.',
      );
    }
    const header = { sent_at: new Date().toISOString(), ...(lastSdk ? { sdk: lastSdk } : {}) };
    const report: SentryEnvelopeLike = [
      header,
      [[{ type: 'client_report' }, { timestamp: Date.now() / 1000, discarded_events: discarded }]],
    ];
    const body = serializeSdkEnvelope(report);
    if (body) queue.push(body);
  };

  const pump = () => {
    const { base, send } = options;
    if (!base || !send) return;
    if (queue.length === 0 && inFlight === 0) reportDrops();
    while (!stopped && inFlight < options.maxInFlight && queue.length > 0) {
      const body = queue.shift() as Uint8Array;
      inFlight++;
      void deliver(sidecarStreamUrl(base), body).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  const forward = (envelope: SentryEnvelopeLike) => {
    if (stopped) return;
    for (const id of traceIdsOf(envelope)) addTraceId(id);
    if (!options.forward || !options.base || !options.send) return;
    if (envelope[0].sdk) lastSdk = envelope[0].sdk;
    if (queue.length >= options.maxQueued) {
      counts.dropped++;
      return;
    }
    const body = serializeSdkEnvelope(envelope);
    if (!body) return;
    queue.push(body);
    pump();
  };

  cleanups.push(listen(client, 'beforeEnvelope', (envelope: SentryEnvelopeLike) => forward(envelope)));
  // At the start, not at the end: the overlay must know a trace is this page's while it runs, since
  // the services it calls report before the page's own spans end.
  cleanups.push(listen(client, 'spanStart', (span: SentrySpanLike) => addTraceId(span?.spanContext?.().traceId)));

  return {
    traceIds,
    listeners,
    counts,
    sdkDropped: options.sdkDropped,
    stop() {
      stopped = true;
      queue.length = 0;
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}

/** `client.on` returns an unsubscribe function in SDK 8+; `stopped` covers a client that does not. */
function listen<T>(client: SentryClientLike, hook: string, callback: (arg: T) => void): () => void {
  const off = client.on(hook, (arg: T) => {
    try {
      callback(arg);
    } catch {
      // The page's Sentry must never fail because of Spotlight.
    }
  });
  return typeof off === 'function' ? (off as () => void) : () => {};
}

/** Trace ids an envelope carries: its sampling context, events' trace context, spans, logs. */
function traceIdsOf([header, items]: SentryEnvelopeLike): unknown[] {
  const ids: unknown[] = [(header.trace as { trace_id?: unknown } | undefined)?.trace_id];
  for (const [itemHeader, payload] of items) {
    const p = payload as { contexts?: { trace?: { trace_id?: unknown } }; items?: { trace_id?: unknown }[] } | undefined;
    if (itemHeader.type === 'event' || itemHeader.type === 'transaction') ids.push(p?.contexts?.trace?.trace_id);
    else if (itemHeader.type === 'span' || itemHeader.type === 'log') for (const entry of p?.items ?? []) ids.push(entry.trace_id);
  }
  return ids;
}
