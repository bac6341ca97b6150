// The entry of dist/assets/main.js: a page that loads this module gets the overlay with no other
// code. The sidecar serves it, so the origin it was loaded from is the sidecar (unless
// `window.__spotlight.initOptions.sidecarUrl` says otherwise). In the sidecar's own page
// (dist/index.html, marked with <meta name="spotlight-mode" content="full-page">) it fills the window.
import { init, setScriptSidecarUrl } from './index.ts';

function scriptOrigin(): string | undefined {
  try {
    const url = new URL(import.meta.url);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

setScriptSidecarUrl(scriptOrigin());
const fullPage = document.querySelector('meta[name="spotlight-mode"]')?.getAttribute('content') === 'full-page';

function start(): void {
  init(fullPage ? { fullPage: true } : {});
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();

export * from './index.ts';
