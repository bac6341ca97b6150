/**
 * Finds the page's Sentry client at the moment `Sentry.init` registers it, before the client sets its
 * integrations up. That moment matters for a page without a DSN: the SDK skips its integrations then
 * (no global error handlers, no browser tracing), and an error thrown during the app's first render
 * would be gone before any later look for the client. SDKs 8 to 11 register the client on the
 * current scope (`setCurrentClient` → `scope.setClient(client)`, then `client.init()`), and the
 * current scope of a browser page is the default one, kept in Sentry's global carrier
 * (`globalThis.__SENTRY__[version].defaultCurrentScope`). So the watch wraps `setClient` of that
 * scope, creating the carrier itself when Spotlight runs before the SDK is loaded.
 */
import { findSentryClient, type SentryClientLike } from '../sentry.ts';

export type ClientListener = (client: SentryClientLike, moment: 'registered' | 'found') => void;

interface ScopeLike {
  setClient?: (client: unknown) => unknown;
}

interface WatchState {
  readonly listeners: Set<ClientListener>;
  readonly scopes: WeakSet<object>;
  readonly slots: WeakSet<object>;
  /** The proxy standing in for the carrier; another object there (the carrier was replaced) is watched anew. */
  proxy?: object;
}

/** One watch per page, shared through the global object by every copy of this module the page holds. */
const WATCH_KEY = Symbol.for('sentry-spotlight.carrier-watch');
const VERSION_KEY = /^\d+\.\d+/;

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function isClient(value: unknown): value is SentryClientLike {
  return isObject(value) && typeof value.on === 'function' && typeof value.getOptions === 'function';
}

/**
 * Calls `listener` with the client already registered (`'found'`), then with every client `Sentry.init`
 * registers from now on, synchronously, before that client sets its integrations up (`'registered'`).
 * Returns the function that stops calling it.
 */
export function watchSentryClients(listener: ClientListener, globalObject: object = globalThis): () => void {
  const state = install(globalObject);
  state.listeners.add(listener);
  const current = findSentryClient(globalObject);
  if (current) notify(new Set([listener]), current, 'found');
  return () => {
    state.listeners.delete(listener);
  };
}

function notify(listeners: Iterable<ClientListener>, client: SentryClientLike, moment: 'registered' | 'found'): void {
  for (const listener of listeners) {
    try {
      listener(client, moment);
    } catch {
      // The page's Sentry must never fail because of Spotlight.
    }
  }
}

function install(globalObject: object): WatchState {
  const holder = globalObject as { [WATCH_KEY]?: WatchState; __SENTRY__?: unknown };
  const existing = holder[WATCH_KEY];
  if (existing && existing.proxy !== undefined && holder.__SENTRY__ === existing.proxy) return existing;
  const state: WatchState = existing ?? { listeners: new Set(), scopes: new WeakSet(), slots: new WeakSet() };
  holder[WATCH_KEY] = state;

  const wrapScope = (scope: unknown): void => {
    if (!isObject(scope) || state.scopes.has(scope)) return;
    const setClient = (scope as ScopeLike).setClient;
    if (typeof setClient !== 'function') return;
    state.scopes.add(scope);
    // An own property, so the scopes the SDK clones from this one (`withScope`) keep the SDK's method.
    Object.defineProperty(scope, 'setClient', {
      configurable: true,
      writable: true,
      enumerable: false,
      value(this: unknown, client: unknown) {
        const result = setClient.call(this, client);
        if (isClient(client)) notify(state.listeners, client, 'registered');
        return result;
      },
    });
  };

  // Each SDK version keeps a slot in the carrier; its default current scope is created on first use.
  const watchSlot = (slot: unknown): void => {
    if (!isObject(slot) || state.slots.has(slot)) return;
    state.slots.add(slot);
    let scope = slot.defaultCurrentScope;
    wrapScope(scope);
    const descriptor = Object.getOwnPropertyDescriptor(slot, 'defaultCurrentScope');
    if (descriptor && !descriptor.configurable) return;
    Object.defineProperty(slot, 'defaultCurrentScope', {
      configurable: true,
      enumerable: true,
      get: () => scope,
      set: (value: unknown) => {
        scope = value;
        wrapScope(value);
      },
    });
    // A scope the SDK already pushed (an app that set a client on a forked scope before Spotlight came).
    for (const read of [
      () => (slot.stack as { getScope?(): unknown } | undefined)?.getScope?.(),
      () => (slot.acs as { getCurrentScope?(): unknown } | undefined)?.getCurrentScope?.(),
    ]) {
      try {
        wrapScope(read());
      } catch {
        // A strategy that cannot answer outside its context.
      }
    }
  };

  // SDKs read `globalThis.__SENTRY__` anew on every use and keep whatever object is there, so a proxy
  // in its place sees each version's slot as the SDK creates it.
  const carrier = isObject(holder.__SENTRY__) ? holder.__SENTRY__ : {};
  for (const [key, slot] of Object.entries(carrier)) if (VERSION_KEY.test(key)) watchSlot(slot);
  try {
    const proxy = new Proxy(carrier, {
      set(target, key, value) {
        const done = Reflect.set(target, key, value);
        if (typeof key === 'string' && VERSION_KEY.test(key)) watchSlot(value);
        return done;
      },
    });
    holder.__SENTRY__ = proxy;
    state.proxy = proxy;
  } catch {
    // A frozen global: the client is still found when the bridge looks (see `findSentryClient`).
  }
  return state;
}
