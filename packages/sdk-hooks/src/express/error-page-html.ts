/** What the overlay reads from `window.__spotlight.initOptions` before its script runs. */
export interface OverlayInitOptions {
  sidecarUrl: string;
  fullPage?: boolean;
  startFrom?: string;
  [option: string]: unknown;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Event text (messages, stacks, URLs) goes into the page as text, never as markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** JSON that is safe inside a `<script>` element: no `</script>`, `<!--` or line separators can end it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The two tags that give any page the overlay: options first, then the sidecar's stable script. */
export function overlayScriptTags(options: OverlayInitOptions): string {
  return (
    `<script>window.__spotlight = Object.assign(window.__spotlight || {}, { initOptions: ${scriptJson(options)} });</script>` +
    `<script type="module" src="${escapeHtml(`${options.sidecarUrl}/assets/main.js`)}" data-spotlight-overlay></script>`
  );
}

export interface ErrorPageContent {
  title: string;
  message: string;
  method: string;
  url: string;
  stack: string;
  eventId: string;
  sidecarUrl: string;
  /** Whether the sidecar took the event; when it did not, the fallback says so at once. */
  delivered: boolean;
}

/** How long the page waits for the overlay before it shows the plain fallback. */
export const FALLBACK_AFTER_MS = 4000;

/**
 * Spotlight full-page, opened on the error. The overlay covers the page once its script runs; the fallback under
 * it (the error as plain text, and how to start Spotlight) appears only when the sidecar's script cannot be loaded.
 */
export function errorPageHtml(content: ErrorPageContent): string {
  const tags = overlayScriptTags({ sidecarUrl: content.sidecarUrl, fullPage: true, startFrom: `/errors/events/${content.eventId}` });
  return `<!DOCTYPE html>
<html lang="en"${content.delivered ? '' : ' data-spotlight-unavailable'}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(`${content.title}: ${content.message}`)} · Spotlight</title>
<style>
  html, body { margin: 0; background: #1e1b2e; color: #e5e1f2; font: 14px/1.5 system-ui, sans-serif; }
  #spotlight-error-fallback { display: none; padding: 2rem; max-width: 72rem; margin: 0 auto; }
  html[data-spotlight-unavailable] #spotlight-error-fallback { display: block; }
  #spotlight-error-fallback pre { white-space: pre-wrap; background: #14121f; padding: 1rem; border-radius: 6px; overflow: auto; }
  #spotlight-error-fallback code { background: #14121f; padding: 0 .3em; border-radius: 3px; }
</style>
${tags}
<script>
  // The fallback appears when the overlay did not mount: sidecar down or its script failed.
  (function () {
    var script = document.querySelector('script[data-spotlight-overlay]');
    function unavailable() { document.documentElement.setAttribute('data-spotlight-unavailable', ''); }
    if (script) script.addEventListener('error', unavailable);
    setTimeout(function () { if (!document.getElementById('sentry-spotlight-root')) unavailable(); }, ${FALLBACK_AFTER_MS});
  })();
</script>
</head>
<body>
<main id="spotlight-error-fallback" data-event-id="${escapeHtml(content.eventId)}">
  <h1>${escapeHtml(content.title)}</h1>
  <p>${escapeHtml(content.message)}</p>
  <p><strong>${escapeHtml(content.method)}</strong> ${escapeHtml(content.url)}</p>
  <pre>${escapeHtml(content.stack)}</pre>
  <p>Spotlight could not be reached at <code>${escapeHtml(content.sidecarUrl)}</code>, so this is the plain version of the error page.
  Start it with <code>npx spotlight</code> and reload to see the request, environment and source context.</p>
</main>
</body>
</html>
`;
}
