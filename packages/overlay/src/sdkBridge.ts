import type { Store } from './data/store.ts';

export interface SdkBridgeOptions {
  readonly sidecarUrl: string;
  readonly store: Store;
  readonly debug: boolean;
}

/**
 * INTEGRATION POINT: the browser SDK bridge.
 *
 * `@spotlight/sdk-hooks/browser` exports `connectBrowserSdk({ sidecarUrl, onTraceIds })`: it makes the
 * page's Sentry browser SDK send to the sidecar and reports the trace ids this page load started (the
 * session the traces view shows by default). It did not exist when the overlay was written; once it
 * does, replace the body below with:
 *
 *   const bridge = connectBrowserSdk({ sidecarUrl, onTraceIds: (ids) => store.addSessionTraceIds(ids) });
 *   return () => bridge?.disconnect?.();
 *
 * Returns the cleanup that `destroy()` runs.
 */
export function connectSdkBridge(options: SdkBridgeOptions): () => void {
  if (options.debug) console.debug('[Spotlight] browser SDK bridge not available in this build');
  return () => {};
}
