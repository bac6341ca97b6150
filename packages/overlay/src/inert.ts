// What a production build gets for `sentry-spotlight` and `sentry-spotlight/browser` in a page: the same
// names, none of which sends, listens or mounts anything. Bundlers that know the `production` export
// condition (Vite, webpack, Rollup, esbuild with `--conditions=production`) resolve the browser entries here
// (see package.json's exports), so a production bundle holds no Spotlight code path at all.
import type { SpotlightHandle } from './spotlight.ts';

export { ANCHORS, DEFAULT_SIDECAR_URL } from './options.ts';

/** The handle of an overlay that was never mounted. */
export function inertHandle(): SpotlightHandle {
  return {
    sidecarUrl: '',
    open() {},
    close() {},
    toggle() {},
    isOpen: () => false,
    navigate() {},
    addEnvelope: () => false,
    destroy() {},
  };
}

export function init(): SpotlightHandle {
  return inertHandle();
}

export function getHandle(): SpotlightHandle | undefined {
  return undefined;
}

export function open(): void {}
export function close(): void {}
export function destroy(): void {}

export function connectBrowserSdk() {
  return Object.assign(() => {}, {
    disconnect: () => {},
    stats: () => ({ connected: false, sent: 0, failed: 0, dropped: 0, refused: 'production build' }),
  });
}

export function unwrappedFetch(): typeof fetch | undefined {
  return undefined;
}

export function pageSidecarUrl(): string {
  return '';
}

export function browserProductionSignal(): string | undefined {
  return 'production build';
}

/** Not named `Spotlight*`: that name would make Sentry set its integrations up in a page without a DSN. */
export function spotlightBrowserIntegration(): { readonly name: string; setup(): void } {
  return { name: 'InertSpotlightBrowser', setup() {} };
}

/** @internal */
export function setScriptSidecarUrl(): void {}
