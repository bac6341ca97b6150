/**
 * `Spotlight.init()` before the app's own `Sentry.init()`: with no client yet, Spotlight initialized the
 * SDK, and the app's init then makes a new client that replaces that one (with `SENTRY_SPOTLIGHT` set, it
 * also carries Sentry's own Spotlight integration, which cannot start a sidecar). Every SDK 8 to 11 hands
 * its new client to the current scope (`setClient`) before the client sets up its integrations, so the
 * scope that holds Spotlight's client is asked to show Spotlight each new client first: Spotlight's
 * integration is added to it, in place of Sentry's own, exactly as `spotlightIntegration()` in
 * `Sentry.init` would be.
 */
import { type SentryClientLike, sentryScopes } from '../sentry.ts';

interface ScopeWithClient {
  getClient?(): unknown;
  setClient?(client: unknown): unknown;
}

/** Calls `prepare` with each client set on the scope that now holds `client`; false when none is found. */
export function onNewClients(client: object, prepare: (next: SentryClientLike) => void, globalObject: object = globalThis): boolean {
  let patched = false;
  const seen = new Set<object>();
  for (const scope of sentryScopes(globalObject) as Iterable<ScopeWithClient>) {
    if (seen.has(scope)) continue;
    seen.add(scope);
    let holds = false;
    try {
      holds = scope.getClient?.() === client;
    } catch {
      // Not a scope after all.
    }
    const setClient = scope.setClient;
    if (!holds || typeof setClient !== 'function') continue;
    scope.setClient = function setClientSeenBySpotlight(this: unknown, next: unknown) {
      if (isClientBeforeInit(next) && next !== client) {
        try {
          prepare(next);
        } catch {
          // Spotlight must never break the app's Sentry setup.
        }
      }
      return setClient.call(this, next);
    };
    patched = true;
  }
  return patched;
}

function isClientBeforeInit(value: unknown): value is SentryClientLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SentryClientLike).on === 'function' &&
    typeof (value as SentryClientLike).getOptions === 'function' &&
    Array.isArray((value as { getOptions(): { integrations?: unknown } }).getOptions().integrations)
  );
}
