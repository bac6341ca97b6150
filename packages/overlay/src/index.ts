import { findSentryClient } from '@spotlight/sdk-hooks';
import { browserProductionSignal } from '@spotlight/sdk-hooks/browser';
import { inertHandle } from './inert.ts';
import { resolveOptions, type SpotlightOptions } from './options.ts';
import { createSpotlight, type SpotlightHandle } from './spotlight.ts';

// For pages without a DSN: `Sentry.init({ integrations: [spotlightBrowserIntegration()] })` sets the SDK up
// (browser tracing, trace propagation to the page's backend) and sends everything to the sidecar.
export { spotlightBrowserIntegration } from '@spotlight/sdk-hooks/browser';
export type { StoredEnvelope } from './data/store.ts';
export { ANCHORS, type Anchor, DEFAULT_SIDECAR_URL, type InitialEvent, type SpotlightOptions } from './options.ts';
export type { SpotlightHandle } from './spotlight.ts';

interface SpotlightGlobal {
  initOptions?: SpotlightOptions;
}

// Shared through the global object: two copies of the overlay in one page (the npm package and the
// sidecar's /assets/main.js) must still mount once.
const INSTANCE = Symbol.for('sentry-spotlight.instance');

type Holder = { [INSTANCE]?: SpotlightHandle };

function holder(): Holder {
  return globalThis as unknown as Holder;
}

/** The sidecar that served this script, when a script hands it in (see main.ts). */
let scriptSidecarUrl: string | undefined;

/** @internal Used by the auto-mounting entry to pass the origin it was loaded from. */
export function setScriptSidecarUrl(url: string | undefined): void {
  scriptSidecarUrl = url;
}

/**
 * Mounts the overlay once per page and returns its handle; later calls return the same handle.
 * Options given here win over `window.__spotlight.initOptions`. In a production build (the bundle's
 * `NODE_ENV`, or Sentry's `environment` set to production) it mounts, connects and sends nothing, and
 * returns a handle that does nothing.
 */
export function init(options: SpotlightOptions = {}): SpotlightHandle {
  const existing = holder()[INSTANCE];
  if (existing) return existing;
  const production = browserProductionSignal((findSentryClient()?.getOptions() as { environment?: unknown } | undefined)?.environment);
  if (production) {
    if (options.debug) console.debug(`[Spotlight] not started: ${production}`);
    return inertHandle();
  }
  if (typeof window === 'undefined' || typeof document === 'undefined') {
    throw new Error('Spotlight.init() needs a browser page (window and document)');
  }
  const seeded = (window as unknown as { __spotlight?: SpotlightGlobal }).__spotlight?.initOptions;
  const handle = createSpotlight(resolveOptions(options, seeded, scriptSidecarUrl), window);
  const destroy = handle.destroy;
  const instance: SpotlightHandle = {
    ...handle,
    destroy() {
      if (holder()[INSTANCE] === instance) delete holder()[INSTANCE];
      destroy();
    },
  };
  holder()[INSTANCE] = instance;
  return instance;
}

/** The mounted overlay's handle, if `init()` ran. */
export function getHandle(): SpotlightHandle | undefined {
  return holder()[INSTANCE];
}

/** Opens the overlay (at `path`, e.g. `/errors`); does nothing before `init()`. */
export function open(path?: string): void {
  holder()[INSTANCE]?.open(path);
}

export function close(): void {
  holder()[INSTANCE]?.close();
}

/** Unmounts the overlay; `init()` may mount it again afterwards. */
export function destroy(): void {
  holder()[INSTANCE]?.destroy();
}
