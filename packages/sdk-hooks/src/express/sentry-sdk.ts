// The app's own Sentry SDK, when it has one: an error captured through it is a real Sentry event (the app's
// integrations, scopes and `beforeSend` apply) and reaches Spotlight through the SDK's Spotlight integration.
// `@sentry/core` is an optional peer: apps without Sentry still get the error page, built without it.

type SentryCore = typeof import('@sentry/core');
type Client = NonNullable<ReturnType<SentryCore['getClient']>>;
type Scope = ReturnType<SentryCore['getCurrentScope']>;

let loading: Promise<SentryCore | undefined> | undefined;

export function loadSentryCore(): Promise<SentryCore | undefined> {
  loading ??= import('@sentry/core').then(
    (core) => core,
    () => undefined,
  );
  return loading;
}

/** A client whose envelopes reach Spotlight: it has a Spotlight integration (ours or Sentry's own `spotlight` option). */
export function spotlightConnectedClient(core: SentryCore | undefined): Client | undefined {
  const client = core?.getClient();
  if (!client) return undefined;
  const options = client.getOptions() as { integrations?: ReadonlyArray<{ name: string }>; spotlight?: unknown };
  const viaIntegration = (options.integrations ?? []).some((integration) => integration.name.startsWith('Spotlight'));
  return viaIntegration || options.spotlight ? client : undefined;
}

export interface SdkCapture {
  eventId: string;
  contexts: Record<string, Record<string, unknown>>;
  tags: Record<string, string>;
  transaction: string | undefined;
  /** Replaces the SDK's `request`: ours carries the body and masks what the SDK's might not. */
  request: Record<string, unknown>;
  mechanism: string;
  flushTimeoutMs: number;
}

/**
 * Captures through the SDK on a copy of the current scope; resolves once the SDK flushed (or the timeout passed),
 * with whether the event made it through the SDK's processing. It may not: the Dedupe integration drops an
 * error identical to the previous one (a developer reloading a failing page), and the page must not open on an
 * event that was never sent.
 */
export async function captureWithSdk(core: SentryCore, client: Client, error: unknown, capture: SdkCapture): Promise<boolean> {
  let processed = false;
  let markProcessed = (): void => {};
  const processedSignal = new Promise<void>((resolve) => {
    markProcessed = resolve;
  });
  const scope: Scope = core.getCurrentScope().clone();
  for (const [name, context] of Object.entries(capture.contexts)) scope.setContext(name, context);
  scope.setTags(capture.tags);
  if (capture.transaction) scope.setTransactionName(capture.transaction);
  scope.addEventProcessor((event) => {
    // Scope processors run after the client's (integrations such as Dedupe): reaching here means it was kept.
    processed = true;
    markProcessed();
    event.request = { ...event.request, ...capture.request };
    return event;
  });
  client.captureException(error, { event_id: capture.eventId, mechanism: { type: capture.mechanism, handled: false } }, scope);
  await untilProcessed(client, processedSignal, capture.flushTimeoutMs);
  await client.flush(capture.flushTimeoutMs);
  return processed;
}

/** Where the app's Spotlight integration (ours) sends, once it has found the sidecar. */
export function integrationSidecarUrl(client: Client): string | undefined {
  const integration = client.getIntegrationByName('Spotlight') as { handle?: { sidecarUrl?: () => string | undefined } } | undefined;
  try {
    return integration?.handle?.sidecarUrl?.() ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the SDK has finished processing what it was given. `flush()` returns at once when the client has no
 * transport (no DSN: the usual development setup), so the client's own drain check is used, with the event
 * processor's signal (or the timeout) as the fallback for SDK versions that lack it.
 */
async function untilProcessed(client: Client, processed: Promise<void>, timeoutMs: number): Promise<void> {
  const drain = (client as unknown as { _isClientDoneProcessing?: (timeout: number) => PromiseLike<boolean> })._isClientDoneProcessing;
  if (typeof drain === 'function') {
    await drain.call(client, timeoutMs);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([processed, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
