/**
 * The parts of Sentry's SDKs (8 to 11) Spotlight touches, typed structurally: the hooks must work with
 * whichever SDK version the app runs, so nothing here imports a runtime value from `@sentry/*`.
 */

export type SentryEnvelopeItemLike = readonly [Readonly<Record<string, unknown>>, unknown];
export type SentryEnvelopeLike = readonly [Readonly<Record<string, unknown>>, readonly SentryEnvelopeItemLike[]];

export interface SentryTransportLike {
  send(envelope: SentryEnvelopeLike): PromiseLike<unknown>;
  flush(timeout?: number): PromiseLike<boolean>;
}

/** What a Sentry client offers that Spotlight uses; a `Client` of any SDK 8 to 11 fits. */
export interface SentryClientLike {
  // biome-ignore lint/suspicious/noExplicitAny: hook callbacks differ per hook and per SDK version
  on(hook: string, callback: (...args: any[]) => void): unknown;
  getOptions(): object;
  getTransport(): SentryTransportLike | undefined;
  getDsn(): unknown;
}

/** Span, as far as Spotlight reads it. */
export interface SentrySpanLike {
  spanContext(): { traceId: string; spanId: string };
}

interface ScopeLike {
  getClient?(): unknown;
}

function isClient(value: unknown): value is SentryClientLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SentryClientLike).on === 'function' &&
    typeof (value as SentryClientLike).getOptions === 'function' &&
    typeof (value as SentryClientLike).getTransport === 'function'
  );
}

function clientOf(scope: unknown): SentryClientLike | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  try {
    const client = (scope as ScopeLike).getClient?.();
    return isClient(client) ? client : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The scopes that may hold the client an app initialized, found through Sentry's global carrier
 * (`globalThis.__SENTRY__`, where SDK 8+ keep one slot per version): the current scope of the active
 * async-context strategy first, then the default scopes, the version the carrier names first.
 */
export function* sentryScopes(globalObject: object = globalThis): Generator<object> {
  const carrier = (globalObject as { __SENTRY__?: unknown }).__SENTRY__;
  if (typeof carrier !== 'object' || carrier === null) return;
  const slots = carrier as Record<string, unknown>;
  const named = typeof slots.version === 'string' ? [slots.version] : [];
  const versions = [...new Set([...named, ...Object.keys(slots).filter((key) => /^\d+\.\d+/.test(key))])];
  for (const version of versions) {
    const slot = slots[version] as Record<string, unknown> | undefined;
    if (typeof slot !== 'object' || slot === null) continue;
    const acs = slot.acs as { getCurrentScope?(): unknown } | undefined;
    const stack = slot.stack as { getScope?(): unknown } | undefined;
    const candidates = [
      () => acs?.getCurrentScope?.(),
      () => stack?.getScope?.(),
      () => slot.defaultCurrentScope,
      () => slot.defaultIsolationScope,
      () => slot.globalScope,
    ];
    for (const candidate of candidates) {
      let scope: unknown;
      try {
        scope = candidate();
      } catch {
        continue;
      }
      if (typeof scope === 'object' && scope !== null) yield scope;
    }
  }
}

/** The client an app initialized, from the first of `sentryScopes()` that holds one. */
export function findSentryClient(globalObject: object = globalThis): SentryClientLike | undefined {
  for (const scope of sentryScopes(globalObject)) {
    const client = clientOf(scope);
    if (client) return client;
  }
  return undefined;
}
