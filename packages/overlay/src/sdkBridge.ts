import { connectBrowserSdk } from '@spotlight/sdk-hooks/browser';
import type { Store } from './data/store.ts';

export interface SdkBridgeOptions {
  readonly sidecarUrl: string;
  readonly store: Store;
  readonly debug: boolean;
}

/**
 * Connects the page's own Sentry browser SDK (if any, now or later) to the sidecar, and feeds the
 * trace ids this page load started into the store: they define the session the overlay shows by
 * default. The page's DSN and sampling for Sentry are left as they are.
 * Returns the cleanup that `destroy()` runs.
 */
export function connectSdkBridge(options: SdkBridgeOptions): () => void {
  const bridge = connectBrowserSdk({
    sidecarUrl: options.sidecarUrl,
    onTraceIds: (ids) => options.store.addSessionTraceIds(ids),
  });
  if (options.debug) console.debug('[Spotlight] listening for the page’s Sentry SDK');
  return () => bridge.disconnect();
}
