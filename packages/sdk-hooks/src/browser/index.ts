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
  /** Requests in flight at once (default 32); more envelopes are dropped and counted. */
  readonly maxInFlight?: number;
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
/** Browsers refuse keepalive requests above 64 KiB (in total); small ones may outlive the page. */
const KEEPALIVE_LIMIT = 60_000;

type WrappedFetch = typeof fetch & { __sentry_original__?: WrappedFetch };

/**
 * Sentry's fetch instrumentation records breadcrumbs (and spans) for every request; the bridge's own
 * must not appear, or every envelope sent would add to the next one. Sentry keeps the original on
 * the wrapper (`__sentry_original__`).
 */
function unwrappedFetch(): typeof fetch | undefined {
  let current = globalThis.fetch as WrappedFetch | undefined;
  for (let i = 0; i < 10 && current?.__sentry_original__; i++) current = current.__sentry_original__;
  return current?.bind(globalThis);
}

export function connectBrowserSdk(options: ConnectBrowserSdkOptions): Disconnect {
  const base = sidecarBaseUrl(options.sidecarUrl);
  const counts = { sent: 0, failed: 0, dropped: 0 };
  const traceIds = new Set<string>();
  const cleanups: (() => void)[] = [];
  let connected = false;
  let stopped = false;
  let inFlight = 0;
  const maxInFlight = options.maxInFlight ?? 32;
  const send = options.fetch ?? unwrappedFetch();

  const addTraceId = (id: unknown) => {
    if (typeof id !== 'string' || !TRACE_ID.test(id) || traceIds.has(id)) return;
    traceIds.add(id);
    options.onTraceIds?.(new Set(traceIds));
  };

  const forward = (envelope: SentryEnvelopeLike) => {
    if (stopped) return;
    for (const id of traceIdsOf(envelope)) addTraceId(id);
    if (!base || !send) return;
    if (inFlight >= maxInFlight) {
      counts.dropped++;
      return;
    }
    const body = serializeSdkEnvelope(envelope);
    if (!body) return;
    inFlight++;
    // text/plain keeps it a "simple" request: no CORS preflight per envelope.
    send(sidecarStreamUrl(base), {
      method: 'POST',
      body: body as Uint8Array<ArrayBuffer>,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      credentials: 'omit',
      keepalive: body.byteLength < KEEPALIVE_LIMIT,
    })
      .then(
        (response) => {
          if (response.ok) counts.sent++;
          else counts.failed++;
        },
        () => {
          counts.failed++;
        },
      )
      .finally(() => {
        inFlight--;
      });
  };

  const hook = (client: SentryClientLike) => {
    connected = true;
    cleanups.push(listen(client, 'beforeEnvelope', (envelope: SentryEnvelopeLike) => forward(envelope)));
    // At the start, not at the end: the overlay must know a trace is this page's while it runs, since
    // the services it calls report before the page's own spans end.
    cleanups.push(listen(client, 'spanStart', (span: SentrySpanLike) => addTraceId(span?.spanContext?.().traceId)));
  };

  const found = options.client ?? findSentryClient();
  if (found) {
    hook(found);
  } else {
    const deadline = Date.now() + (options.waitForClientMs ?? 30_000);
    const timer = setInterval(() => {
      const client = findSentryClient();
      if (client) hook(client);
      if (client || Date.now() > deadline) clearInterval(timer);
    }, CLIENT_POLL_MS);
    cleanups.push(() => clearInterval(timer));
  }

  const disconnect = () => {
    stopped = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  return Object.assign(disconnect, { disconnect, stats: (): BridgeStats => ({ connected, ...counts }) });
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
export function spotlightBrowserIntegration(options: Omit<ConnectBrowserSdkOptions, 'client'>): {
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
      connectBrowserSdk({ ...options, client });
    },
  };
}
