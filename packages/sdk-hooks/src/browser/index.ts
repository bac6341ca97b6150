/**
 * @spotlight/sdk-hooks/browser: the page's Sentry SDK (`@sentry/browser`, `@sentry/react`..., 8 to 11)
 * also sends its envelopes to the sidecar. It only *listens* to the SDK: the page's DSN, transport and
 * sampling stay as they are, so Sentry gets exactly what it got before (the published Spotlight's v2
 * replaced them, and showed users other people's errors). Bundled into the overlay: keep it tiny.
 */
import {
  findSentryClient,
  type SentryClientLike,
  type SentryEnvelopeLike,
  type SentrySpanLike,
  type SentryTransportLike,
} from '../sentry.ts';
import { serializeSdkEnvelope } from '../serialize.ts';
import { sidecarBaseUrl, sidecarStreamUrl } from '../url.ts';

export interface ConnectBrowserSdkOptions {
  /** The sidecar, e.g. `http://localhost:8969` (the `/stream` form works too). */
  readonly sidecarUrl: string;
  /** Called with every trace id this page load started (a new set each time it grows). */
  readonly onTraceIds?: (traceIds: ReadonlySet<string>) => void;
  /** The client to connect (default: the page's, found through Sentry's global carrier). */
  readonly client?: SentryClientLike;
  /** How long to keep looking for a client the page initializes later, ms (default 30 000). */
  readonly waitForClientMs?: number;
  /** Sends the envelopes (default: the page's `fetch`, unwrapped from Sentry's instrumentation). */
  readonly fetch?: typeof fetch;
  /** Requests in flight at once (default 6, a browser's connections per host); the rest wait in the queue. */
  readonly maxInFlight?: number;
  /** Envelopes waiting for a request (default 1000); beyond it the newest are dropped and counted. */
  readonly maxQueued?: number;
}

export interface BridgeStats {
  readonly connected: boolean;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
}

/** Stops listening to the SDK (call it, or its `disconnect`); `stats()` tells how the bridge fared. */
export type Disconnect = (() => void) & { readonly disconnect: () => void; stats(): BridgeStats };

const TRACE_ID = /^[0-9a-f]{32}$/;
const CLIENT_POLL_MS = 250;
/**
 * Keepalive requests may outlive the page (an error right before a navigation still arrives), but a
 * browser refuses them once the keepalive bodies in flight add up to 64 KiB: past that, plain requests.
 */
const KEEPALIVE_BUDGET = 60_000;

type WrappedFetch = typeof fetch & { __sentry_original__?: WrappedFetch };

/**
 * Sentry's fetch instrumentation records breadcrumbs (and spans) for every request; the bridge's own
 * must not appear, or every envelope sent would add to the next one. Sentry keeps the original on
 * the wrapper (`__sentry_original__`).
 */
export function unwrappedFetch(): typeof fetch | undefined {
  let current = globalThis.fetch as WrappedFetch | undefined;
  for (let i = 0; i < 10 && current?.__sentry_original__; i++) current = current.__sentry_original__;
  return current?.bind(globalThis);
}

/**
 * One tap per client: the page may connect twice (the no-DSN integration and the overlay's init),
 * and every envelope must still reach the sidecar exactly once.
 */
interface Tap {
  readonly traceIds: Set<string>;
  readonly listeners: Set<(traceIds: ReadonlySet<string>) => void>;
  readonly counts: { sent: number; failed: number; dropped: number };
  stop(): void;
}

/**
 * Shared through the global object: the page may hold two copies of this module (the app's bundle for
 * the no-DSN integration, and the overlay's), and a client must still have a single tap.
 */
const TAPS_KEY = Symbol.for('sentry-spotlight.bridge-taps');
const tapHolder = globalThis as { [TAPS_KEY]?: WeakMap<object, Tap> };
const TAPS: WeakMap<object, Tap> = tapHolder[TAPS_KEY] ?? new WeakMap<object, Tap>();
tapHolder[TAPS_KEY] = TAPS;

interface TapOptions {
  readonly base: string | undefined;
  readonly send: typeof fetch | undefined;
  readonly maxInFlight: number;
  readonly maxQueued: number;
}

function createTap(client: SentryClientLike, options: TapOptions): Tap {
  const traceIds = new Set<string>();
  const listeners = new Set<(traceIds: ReadonlySet<string>) => void>();
  const counts = { sent: 0, failed: 0, dropped: 0 };
  const queue: Uint8Array[] = [];
  const cleanups: (() => void)[] = [];
  let stopped = false;
  let inFlight = 0;
  let keepaliveBytes = 0;

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

  const pump = () => {
    const { base, send } = options;
    if (!base || !send) return;
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
    if (!options.base || !options.send) return;
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
    stop() {
      stopped = true;
      queue.length = 0;
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}

export function connectBrowserSdk(options: ConnectBrowserSdkOptions): Disconnect {
  const tapOptions: TapOptions = {
    base: sidecarBaseUrl(options.sidecarUrl),
    send: options.fetch ?? unwrappedFetch(),
    maxInFlight: options.maxInFlight ?? 6,
    maxQueued: options.maxQueued ?? 1000,
  };
  const listener = (ids: ReadonlySet<string>) => options.onTraceIds?.(ids);
  let tap: Tap | undefined;
  let tapClient: SentryClientLike | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const hook = (client: SentryClientLike) => {
    if (stopped) return;
    tap = TAPS.get(client);
    if (!tap) {
      tap = createTap(client, tapOptions);
      TAPS.set(client, tap);
    }
    tapClient = client;
    tap.listeners.add(listener);
    if (tap.traceIds.size > 0) listener(new Set(tap.traceIds));
  };

  const found = options.client ?? findSentryClient();
  if (found) {
    hook(found);
  } else {
    const deadline = Date.now() + (options.waitForClientMs ?? 30_000);
    timer = setInterval(() => {
      const client = findSentryClient();
      if (client) hook(client);
      if (client || Date.now() > deadline) clearInterval(timer);
    }, CLIENT_POLL_MS);
  }

  const disconnect = () => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
    if (!tap || !tapClient) return;
    tap.listeners.delete(listener);
    // The last connection out turns the tap off; the others keep it sending.
    if (tap.listeners.size === 0) {
      tap.stop();
      TAPS.delete(tapClient);
    }
  };
  return Object.assign(disconnect, {
    disconnect,
    stats: (): BridgeStats => ({ connected: tap !== undefined, ...(tap?.counts ?? { sent: 0, failed: 0, dropped: 0 }) }),
  });
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

/**
 * For pages without a DSN: add to `Sentry.init({ integrations: [...] })`. Its `Spotlight` name makes
 * the SDK set its integrations up without a DSN (browser tracing included), and a transport that sends
 * nothing upstream enables trace propagation to the page's backend (SDKs send no `sentry-trace` or
 * `baggage` while they have no transport). On a page with a DSN it only connects.
 */
export function spotlightBrowserIntegration(options: Partial<Omit<ConnectBrowserSdkOptions, 'client'>> = {}): {
  readonly name: string;
  setup(client: SentryClientLike): void;
} {
  return {
    name: 'SpotlightBrowser',
    setup(client) {
      if (!client.getTransport()) {
        const local: SentryTransportLike = { send: () => Promise.resolve({}), flush: () => Promise.resolve(true) };
        (client as unknown as { _transport?: SentryTransportLike })._transport = local;
      }
      connectBrowserSdk({ ...options, sidecarUrl: options.sidecarUrl ?? pageSidecarUrl(), client });
    },
  };
}

/** The sidecar the page was told about (`window.__spotlight.initOptions`, as server frameworks seed it), else the default. */
function pageSidecarUrl(): string {
  const seeded = (globalThis as { __spotlight?: { initOptions?: { sidecarUrl?: unknown } } }).__spotlight?.initOptions?.sidecarUrl;
  return typeof seeded === 'string' ? seeded : 'http://localhost:8969';
}
