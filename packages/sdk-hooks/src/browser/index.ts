/**
 * @spotlight/sdk-hooks/browser: the page's Sentry SDK (`@sentry/browser`, `@sentry/react`..., 8 to 11)
 * also sends its envelopes to the sidecar, whenever and in whatever order the page sets Sentry up.
 * On a page with a DSN it only *listens*: the DSN, transport and sampling stay as they are, so Sentry
 * gets exactly what it got before (the published Spotlight's v2 replaced them, and showed users other
 * people's errors). On a page without one it makes the SDK work locally (see prepare.ts). Bundled into
 * the overlay: keep it small. Development only: under a production build's signals it does nothing.
 */
import type { SentryClientLike } from '../sentry.ts';
import { isLoopbackHostname, sidecarBaseUrl } from '../url.ts';
import { watchSentryClients } from './carrier.ts';
import { prepareClient } from './prepare.ts';
import { browserProductionSignal } from './production.ts';
import { createTap, type Tap } from './tap.ts';

export { browserProductionSignal } from './production.ts';

export interface ConnectBrowserSdkOptions {
  /** The sidecar, e.g. `http://localhost:8969` (the `/stream` form works too). */
  readonly sidecarUrl: string;
  /** Called with every trace id this page load started (a new set each time it grows). */
  readonly onTraceIds?: (traceIds: ReadonlySet<string>) => void;
  /** The client to connect. Default: the page's, now and every one `Sentry.init` registers later. */
  readonly client?: SentryClientLike;
  /** Sends the envelopes (default: the page's `fetch`, unwrapped from Sentry's instrumentation). */
  readonly fetch?: typeof fetch;
  /** Requests in flight at once (default 6, a browser's connections per host); the rest wait in the queue. */
  readonly maxInFlight?: number;
  /** Envelopes waiting for a request (default 1000); beyond it the newest are dropped and counted. */
  readonly maxQueued?: number;
  /** Make a client without a DSN capture locally, and widen the SDK's buffer (default true). */
  readonly prepare?: boolean;
  /** Connect even where the page's bundle or Sentry's `environment` says production (default false). */
  readonly force?: boolean;
}

export interface BridgeStats {
  readonly connected: boolean;
  /** Envelopes the sidecar accepted. */
  readonly sent: number;
  /** Envelopes whose request failed (the sidecar was down) or was refused. */
  readonly failed: number;
  /** Envelopes dropped for want of room: the bridge's queue, and the SDK's own buffer before it. */
  readonly dropped: number;
  /** Why the bridge does nothing, when it refused to (a production build). */
  readonly refused?: string;
}

/** Stops listening to the SDK (call it, or its `disconnect`); `stats()` tells how the bridge fared. */
export type Disconnect = (() => void) & { readonly disconnect: () => void; stats(): BridgeStats };

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
 * Shared through the global object: the page may hold two copies of this module (the app's bundle, and
 * the overlay the sidecar serves), and a client must still have a single tap, so every envelope reaches
 * the sidecar exactly once however often the page connects.
 */
const TAPS_KEY = Symbol.for('sentry-spotlight.bridge-taps');
const tapHolder = globalThis as { [TAPS_KEY]?: WeakMap<object, Tap> };
const TAPS: WeakMap<object, Tap> = tapHolder[TAPS_KEY] ?? new WeakMap<object, Tap>();
tapHolder[TAPS_KEY] = TAPS;

/** Marks our integration apart from Sentry's own, which has the same name. */
const OURS = Symbol.for('sentry-spotlight.integration');
const SPOTLIGHT_INTEGRATION = 'SpotlightBrowser';
const SENTRY_DEFAULT_SIDECAR = 'http://localhost:8969';

type Moment = 'registered' | 'found';

export function connectBrowserSdk(options: ConnectBrowserSdkOptions): Disconnect {
  return connect(options, options.client ? { client: options.client, moment: 'found' } : undefined);
}

function connect(options: ConnectBrowserSdkOptions, only: { client: SentryClientLike; moment: Moment } | undefined): Disconnect {
  const refused = options.force ? undefined : browserProductionSignal();
  if (refused) return inertDisconnect(refused);
  const base = sidecarBaseUrl(options.sidecarUrl);
  const send = options.fetch ?? unwrappedFetch();
  const listener = (ids: ReadonlySet<string>) => options.onTraceIds?.(ids);
  const taps = new Map<SentryClientLike, Tap>();
  let stopped = false;
  let refusedClient: string | undefined;

  const hook = (client: SentryClientLike, moment: Moment) => {
    if (stopped || taps.has(client)) return;
    const production = options.force ? undefined : browserProductionSignal((client.getOptions() as { environment?: unknown }).environment);
    if (production) {
      refusedClient = production;
      return;
    }
    let tap = TAPS.get(client);
    if (!tap) {
      const { sdkDropped } =
        options.prepare === false ? { sdkDropped: new Map<string, number>() } : prepareClient(client, moment === 'registered');
      tap = createTap(client, {
        base,
        send,
        maxInFlight: options.maxInFlight ?? 6,
        maxQueued: options.maxQueued ?? 1000,
        forward: takeOverSentrySpotlight(client, moment, base),
        sdkDropped,
        warn: (message) => console.warn(message),
      });
      TAPS.set(client, tap);
    }
    taps.set(client, tap);
    tap.listeners.add(listener);
    if (tap.traceIds.size > 0) listener(new Set(tap.traceIds));
  };

  const unwatch = only ? undefined : watchSentryClients(hook);
  if (only) hook(only.client, only.moment);

  const disconnect = () => {
    if (stopped) return;
    stopped = true;
    unwatch?.();
    for (const [client, tap] of taps) {
      tap.listeners.delete(listener);
      // The last connection out turns the tap off; the others keep it sending.
      if (tap.listeners.size === 0) {
        tap.stop();
        TAPS.delete(client);
      }
    }
  };
  const stats = (): BridgeStats => {
    let sent = 0;
    let failed = 0;
    let dropped = 0;
    for (const tap of taps.values()) {
      sent += tap.counts.sent;
      failed += tap.counts.failed;
      dropped += tap.counts.dropped;
      for (const count of tap.sdkDropped.values()) dropped += count;
    }
    return { connected: taps.size > 0, sent, failed, dropped, ...(taps.size === 0 && refusedClient ? { refused: refusedClient } : {}) };
  };
  return Object.assign(disconnect, { disconnect, stats });
}

function inertDisconnect(reason: string): Disconnect {
  const disconnect = () => {};
  return Object.assign(disconnect, {
    disconnect,
    stats: (): BridgeStats => ({ connected: false, sent: 0, failed: 0, dropped: 0, refused: reason }),
  });
}

interface IntegrationLike {
  readonly name: string;
  afterAllSetup?: (client: unknown) => void;
  readonly [OURS]?: true;
}

/**
 * `Sentry.init({ spotlight: true })` adds Sentry's own integration (also named `SpotlightBrowser`),
 * which POSTs every envelope to the sidecar itself and gives up after a few failed requests. When it
 * targets the same sidecar, Spotlight takes its job over where it still can (the client is being
 * registered: its forwarding is not set up yet), and otherwise leaves it sending, so nothing arrives
 * twice. Returns whether the tap forwards.
 */
function takeOverSentrySpotlight(client: SentryClientLike, moment: Moment, base: string | undefined): boolean {
  const clientOptions = client.getOptions() as { integrations?: IntegrationLike[]; spotlight?: unknown };
  const sentrys = (clientOptions.integrations ?? []).find((i) => i.name === SPOTLIGHT_INTEGRATION && !i[OURS]);
  if (!sentrys || !base) return true;
  const target = sidecarBaseUrl(typeof clientOptions.spotlight === 'string' ? clientOptions.spotlight : SENTRY_DEFAULT_SIDECAR);
  if (!target || !sameSidecar(target, base)) return true;
  if (moment === 'registered') {
    sentrys.afterAllSetup = () => {};
    return true;
  }
  const installed = (client as { getIntegrationByName?(name: string): unknown }).getIntegrationByName?.(SPOTLIGHT_INTEGRATION);
  return installed !== sentrys;
}

/** `localhost` and `127.0.0.1` name the same sidecar on the same port. */
function sameSidecar(a: string, b: string): boolean {
  if (a === b) return true;
  const [x, y] = [new URL(a), new URL(b)];
  return x.port === y.port && x.pathname === y.pathname && isLoopbackHostname(x.hostname) && isLoopbackHostname(y.hostname);
}

/**
 * For pages that call neither `Spotlight.init()` nor use the Vite plugin: add to
 * `Sentry.init({ integrations: [...] })`. Its `Spotlight` name makes the SDK set its integrations up
 * without a DSN (browser tracing included); a transport that sends nothing upstream enables trace
 * propagation to the page's backend. On a page with a DSN it only connects.
 */
export function spotlightBrowserIntegration(options: Partial<Omit<ConnectBrowserSdkOptions, 'client'>> = {}): {
  readonly name: string;
  setup(client: SentryClientLike): void;
} {
  return {
    name: SPOTLIGHT_INTEGRATION,
    [OURS]: true,
    setup(client) {
      // Sentry calls this from `client.init()`, as it sets every integration up.
      connect({ ...options, sidecarUrl: options.sidecarUrl ?? pageSidecarUrl() }, { client, moment: 'registered' });
    },
  } as { readonly name: string; setup(client: SentryClientLike): void };
}

/** The sidecar the page was told about (`window.__spotlight.initOptions`, as the Vite plugin and server frameworks seed it), else the default. */
export function pageSidecarUrl(): string {
  const seeded = (globalThis as { __spotlight?: { initOptions?: { sidecarUrl?: unknown } } }).__spotlight?.initOptions?.sidecarUrl;
  return typeof seeded === 'string' ? seeded : SENTRY_DEFAULT_SIDECAR;
}
