import type { Middleware } from '../middleware/types.ts';
import type { ServerInfo } from './health.ts';

/**
 * `GET /` while the overlay is not built (overlayFiles serves its index.html once it is): a page
 * that explains how to send events here.
 */
export function connectPage(info: ServerInfo): Middleware {
  return (req, res) => {
    const page = connectPageHtml(info.port(), info.version);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(page),
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : page);
  };
}

/** The page shown until the overlay is built. Static text: only numbers are interpolated. */
export function connectPageHtml(port: number, version: string): string {
  const base = `http://localhost:${port}`;
  const safeVersion = version.replace(/[^\w.+-]/g, '');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Spotlight sidecar</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}code,pre{background:#f3f1f7;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem;overflow:auto}</style>
</head>
<body>
<h1>Spotlight is running</h1>
<p>The sidecar ${safeVersion} listens on <code>${base}</code>. The overlay page is not built, so this page explains how to send it events.
Build it with <code>npm run build</code> (or open the overlay in your own app) to see them.</p>
<h2>Connect an SDK</h2>
<p>JavaScript: add <code>sentry-spotlight</code> to your app. Your own <code>Sentry.init()</code> stays as it is:</p>
<pre>plugins: [spotlight()]                      // vite.config.js: spotlight is sentry-spotlight/vite's
Spotlight.init()                            // any page: Spotlight is sentry-spotlight
Spotlight.init({ sentry: Sentry })          // a Node service</pre>
<p>Python and other Sentry SDKs have a <code>spotlight</code> option:</p>
<pre>sentry_sdk.init(spotlight=True)             # or '${base}/stream'</pre>
<p>Any SDK can also use a DSN that points here (no Sentry account needed):</p>
<pre>${'http://spotlight@localhost:'}${port}/0</pre>
<h2>Read events</h2>
<ul>
<li><code>GET ${base}/stream</code>: Server-Sent Events, one <code>application/x-sentry-envelope</code> event per envelope</li>
<li><code>GET ${base}/health</code>: status as JSON</li>
<li><code>DELETE ${base}/clear</code>: forget every envelope</li>
</ul>
</body>
</html>
`;
}
