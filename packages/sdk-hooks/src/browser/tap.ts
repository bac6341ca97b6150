/**
 * The tap on one Sentry client: every envelope the SDK sends (its `beforeEnvelope` hook, which runs
 * whether or not the SDK has a DSN) is also POSTed to the sidecar, a few requests at a time, in order
 * of capture. What cannot be kept (a full queue, the sidecar down) is counted, a burst's drops said once
 * on the console, and, once the sidecar answers, reported to it as a client report in the name of the
 * page's SDK (Sentry's reasons and data categories), so the overlay's SDKs view shows it on that SDK's row.
 */

import { clientReportEnvelope, type Discard, type DiscardedEvents, DropLedger, envelopeDiscards } from '../node/drops.ts';
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

interface Queued {
  readonly body: Uint8Array;
  /** What it counts for if it is lost (Sentry's data categories). */
  readonly discards: readonly Discard[];
  /** A client report: what it reports goes back to the ledger if it cannot be sent. */
  readonly report?: readonly DiscardedEvents[];
}

export function createTap(client: SentryClientLike, options: TapOptions): Tap {
  const traceIds = new Set<string>();
  const listeners = new Set<(traceIds: ReadonlySet<string>) => void>();
  const counts: TapCounts = { sent: 0, failed: 0, dropped: 0 };
  const queue: Queued[] = [];
  const cleanups: (() => void)[] = [];
  let stopped = false;
  let inFlight = 0;
  let keepaliveBytes = 0;
  let warned = false;
  let lastSdk: Readonly<Record<string, unknown>> | undefined;
  let reachable = false;
  /** What was lost and not reported yet, as the Node hook counts it (Sentry's client report outcomes). */
  const ledger = new DropLedger();
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

  const deliver = async (url: string, entry: Queued) => {
    const { body } = entry;
    const keepalive = keepaliveBytes + body.byteLength <= KEEPALIVE_BUDGET;
    if (keepalive) keepaliveBytes += body.byteLength;
    let outcome: 'sent' | 'network_error' | 'send_error';
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
      outcome = response.ok ? 'sent' : 'send_error';
    } catch {
      outcome = 'network_error';
    } finally {
      if (keepalive) keepaliveBytes -= body.byteLength;
    }
    reachable = outcome !== 'network_error';
    if (entry.report) {
      // A report that could not be sent: what it said is said again with the next one.
      if (outcome !== 'sent') ledger.restore(entry.report);
      return;
    }
    if (outcome === 'sent') {
      counts.sent++;
    } else {
      counts.failed++;
      ledger.record(outcome, entry.discards);
    }
  };

  /** Once the queue has drained and the sidecar answers: a client report of what was lost since the last one. */
  const reportLosses = () => {
    for (const [category, total] of options.sdkDropped) {
      const quantity = total - (reportedSdk.get(category) ?? 0);
      ledger.record('queue_overflow', [{ category, quantity }]);
      reportedSdk.set(category, total);
    }
    if (!ledger.pending) return;
    const report = ledger.take();
    const lost = report.filter((d) => d.reason === 'queue_overflow').reduce((sum, d) => sum + d.quantity, 0);
    if (lost > 0 && !warned) {
      warned = true;
      options.warn(
        `[Spotlight] ${lost} of this page's Sentry events were dropped in a burst before reaching the sidecar; ` +
          'the SDKs view counts every drop.',
      );
    }
    // In the name of the page's SDK, so the SDKs view shows it on that SDK's row.
    const body = serializeSdkEnvelope(clientReportEnvelope(report, lastSdk, Date.now()));
    if (body) queue.push({ body, discards: [], report });
  };

  const pump = () => {
    const { base, send } = options;
    if (!base || !send) return;
    if (queue.length === 0 && inFlight === 0 && reachable) reportLosses();
    while (!stopped && inFlight < options.maxInFlight && queue.length > 0) {
      const entry = queue.shift() as Queued;
      inFlight++;
      void deliver(sidecarStreamUrl(base), entry).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  const forward = (envelope: SentryEnvelopeLike) => {
    if (stopped) return;
    for (const id of traceIdsOf(envelope)) addTraceId(id);
    if (!options.forward || !options.base || !options.send) return;
    if (envelope[0].sdk) lastSdk = envelope[0].sdk as Readonly<Record<string, unknown>>;
    const discards = envelopeDiscards(envelope);
    if (queue.length >= options.maxQueued) {
      counts.dropped++;
      ledger.record('queue_overflow', discards);
      return;
    }
    const body = serializeSdkEnvelope(envelope);
    if (!body) return;
    queue.push({ body, discards });
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
