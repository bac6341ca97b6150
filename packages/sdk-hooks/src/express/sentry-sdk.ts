// The app's own Sentry SDK, when it reports to Spotlight: the error is captured through it, so it is a real
// Sentry event (the app's integrations, scopes and `beforeSend` apply) that reaches Spotlight (and Sentry, with
// a DSN) like every other. The client is found through Sentry's global carrier, so any SDK 8 to 11 works and
// nothing here imports `@sentry/*`.
import { spotlightHandleOf } from '../node/integration.ts';
import { markNewOccurrence } from '../node/repeats.ts';
import { findSentryClient, type SentryClientLike } from '../sentry.ts';

interface HintLike {
  originalException?: unknown;
}

interface EventLike {
  event_id?: string;
  transaction?: string;
  request?: Record<string, unknown>;
  contexts?: Record<string, unknown>;
  tags?: Record<string, unknown>;
}

export interface SdkClient extends SentryClientLike {
  captureException(exception: unknown, hint?: Record<string, unknown>): string;
  flush(timeout?: number): PromiseLike<boolean>;
  getIntegrationByName?(name: string): unknown;
}

/** What the error page adds to the SDK's event. */
export interface Enrichment {
  contexts: Record<string, Record<string, unknown>>;
  tags: Record<string, string>;
  transaction: string | undefined;
  /** Merged over the SDK's `request`: ours carries the body, and masks what the SDK's might not. */
  request: Record<string, unknown>;
}

/** The app's client, when its envelopes reach Spotlight: our integration or Sentry's own `spotlight` option (both named Spotlight). */
export function spotlightConnectedClient(globalObject: object = globalThis): SdkClient | undefined {
  const client = findSentryClient(globalObject) as SdkClient | undefined;
  if (!client || typeof client.captureException !== 'function' || typeof client.flush !== 'function') return undefined;
  if (client.getIntegrationByName?.('Spotlight')) return client;
  const options = client.getOptions() as { integrations?: ReadonlyArray<{ name: string }>; spotlight?: unknown };
  const configured = (options.integrations ?? []).some((integration) => integration.name.startsWith('Spotlight'));
  return configured || options.spotlight ? client : undefined;
}

interface Tracker {
  readonly enrichments: WeakMap<object, Enrichment>;
  readonly outcomes: WeakMap<object, (eventId: string) => void>;
}

const trackers = new WeakMap<object, Tracker>();

/** Hooks a client once, for every error the page handles: adds the page's details to its event and learns its id. */
function trackerFor(client: SdkClient): Tracker {
  const existing = trackers.get(client);
  if (existing) return existing;
  const tracker: Tracker = { enrichments: new WeakMap(), outcomes: new WeakMap() };
  // After every event processor (the SDK's request data and scope included: ours win, masked) and before
  // `beforeSend`; reaching it also means the event was kept (Dedupe and the app's processors drop events earlier).
  client.on('postprocessEvent', (event: EventLike, hint: HintLike | undefined) => {
    const original = hint?.originalException;
    if (original === null || typeof original !== 'object' || !event.event_id) return;
    const enrichment = tracker.enrichments.get(original);
    if (enrichment) enrich(event, enrichment);
    tracker.outcomes.get(original)?.(event.event_id);
  });
  trackers.set(client, tracker);
  return tracker;
}

function enrich(event: EventLike, enrichment: Enrichment): void {
  const contexts: Record<string, unknown> = { ...event.contexts };
  // Per context, the SDK's fields stay (app_start_time, os build...) and ours are added.
  for (const [name, context] of Object.entries(enrichment.contexts)) {
    const existing = contexts[name];
    contexts[name] = existing !== null && typeof existing === 'object' ? { ...existing, ...context } : context;
  }
  event.contexts = contexts;
  event.tags = { ...event.tags, ...enrichment.tags };
  if (enrichment.transaction) event.transaction = enrichment.transaction;
  event.request = { ...event.request, ...enrichment.request };
}

/**
 * Captures `error` through the SDK, or, when the SDK already captured it (the Express integration of
 * `@sentry/node` does, as does `Sentry.setupExpressErrorHandler`), follows that capture. Must be called
 * synchronously from the error handler: the SDK processes its events asynchronously, and the details are
 * attached while it does. Resolves with the id of the event the SDK kept, or undefined when it dropped it
 * (the app's `beforeSend`, or Dedupe where Spotlight's integration is not there to keep a repeated error).
 */
export function captureWithSdk(
  client: SdkClient,
  error: unknown,
  enrichment: Enrichment,
  options: { eventId: string; mechanism: string; timeoutMs: number },
): Promise<string | undefined> {
  const tracker = trackerFor(client);
  const target: object = error !== null && typeof error === 'object' ? error : Object(error);
  // A reload fails a new request: not the second capture Sentry's Dedupe is there to drop.
  markNewOccurrence(target);
  tracker.enrichments.set(target, enrichment);
  const kept = new Promise<string>((resolve) => tracker.outcomes.set(target, resolve));
  const alreadyCaptured = (target as { __sentry_captured__?: unknown }).__sentry_captured__ === true;
  if (!alreadyCaptured) {
    // `originalException` is what the hooks above recognise the event by (the scope API sets it; the client's does not).
    client.captureException(error, {
      event_id: options.eventId,
      originalException: error,
      mechanism: { type: options.mechanism, handled: false },
    });
  }
  return Promise.race([kept, drained(client, options.timeoutMs).then(() => undefined)]).then(async (eventId) => {
    tracker.outcomes.delete(target);
    if (eventId) await client.flush(options.timeoutMs);
    return eventId;
  });
}

/**
 * Resolves once the client has processed what it was given. Its own check is used where it exists (SDK 8 to 11):
 * `flush()` cannot tell, as it returns at once for a client without a transport; else the time limit.
 */
function drained(client: SdkClient, timeoutMs: number): Promise<unknown> {
  const check = (client as unknown as { _isClientDoneProcessing?: (timeout: number) => PromiseLike<boolean> })._isClientDoneProcessing;
  if (typeof check === 'function') return Promise.resolve(check.call(client, timeoutMs));
  return new Promise((resolve) => setTimeout(resolve, timeoutMs));
}

/** Where Spotlight's hook on the app's client sends, once it has found the sidecar. */
export function integrationSidecarUrl(client: SdkClient): string | undefined {
  try {
    return spotlightHandleOf(client)?.sidecarUrl() ?? undefined;
  } catch {
    return undefined;
  }
}
