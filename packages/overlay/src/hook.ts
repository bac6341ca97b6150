// The entry of dist/assets/hook.js, which the Vite plugin puts in the page before the app's own scripts: it
// connects the page's Sentry SDK to the sidecar that served it from the moment `Sentry.init` runs (with or
// without a DSN), before the overlay (dist/assets/main.js, loaded asynchronously) is there. The overlay
// connects to the same tap when it mounts: each envelope is still sent once.
import { connectBrowserSdk, pageSidecarUrl } from '@spotlight/sdk-hooks/browser';

function scriptOrigin(): string | undefined {
  try {
    const url = new URL(import.meta.url);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

const seeded = (globalThis as { __spotlight?: { initOptions?: { sidecarUrl?: unknown } } }).__spotlight?.initOptions?.sidecarUrl;
connectBrowserSdk({ sidecarUrl: typeof seeded === 'string' ? seeded : (scriptOrigin() ?? pageSidecarUrl()) });
