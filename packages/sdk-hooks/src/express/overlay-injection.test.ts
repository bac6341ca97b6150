import { gzipSync } from 'node:zlib';
import express, { type Express } from 'express';
import { describe, expect, it } from 'vitest';
import { overlayScriptTags } from './error-page-html.ts';
import { injectionPoint, spotlightOverlay } from './overlay-injection.ts';
import { serve } from './test/serve.ts';

const SIDECAR = 'http://localhost:9999';
const TAGS = overlayScriptTags({ sidecarUrl: SIDECAR });
const PAGE = '<!doctype html><html><head><title>Shop</title></head><body><h1>Orders</h1></body></html>';

function app(env: NodeJS.ProcessEnv = { NODE_ENV: 'development' }): Express {
  const application = express();
  application.use(spotlightOverlay({ sidecarUrl: SIDECAR, env, autoStart: false }));
  application.get('/page', (_req, res) => {
    res.send(PAGE);
  });
  application.get('/streamed', (_req, res) => {
    res.type('html');
    res.setHeader('Content-Length', '999');
    // `<head>` split across writes, as a template engine streaming its output may do.
    res.write('<!doctype html><html><he');
    res.write('ad lang="en"><title>Stream</title></head><body>');
    setTimeout(() => res.end('<p>done</p></body></html>'), 5);
  });
  application.get('/write-head', (_req, res) => {
    const body = '<html><body>plain</body></html>';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  application.get('/fragment', (_req, res) => {
    res.type('html').send('<p>just a fragment</p>');
  });
  application.get('/already', (_req, res) => {
    res.type('html').send(`<html><head>${overlayScriptTags({ sidecarUrl: SIDECAR, fullPage: true })}</head></html>`);
  });
  application.get('/api', (_req, res) => {
    res.json({ html: '<head></head>' });
  });
  application.get('/gzipped', (_req, res) => {
    res.type('html').setHeader('Content-Encoding', 'gzip');
    res.end(gzipSync('<html><head></head></html>'));
  });
  application.get('/not-modified', (_req, res) => {
    res.status(304).type('html').end();
  });
  return application;
}

describe('spotlightOverlay', () => {
  it('puts the overlay tags right after <head> of a rendered page, with a correct length', async () => {
    const server = await serve(app());
    try {
      const response = await fetch(`${server.url}/page`);
      const html = await response.text();
      expect(html).toBe(`<!doctype html><html><head>${TAGS}<title>Shop</title></head><body><h1>Orders</h1></body></html>`);
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(html)));
      expect(TAGS).toBe(
        `<script>window.__spotlight = Object.assign(window.__spotlight || {}, { initOptions: {"sidecarUrl":"${SIDECAR}"} });</script>` +
          `<script type="module" src="${SIDECAR}/assets/main.js" data-spotlight-overlay></script>`,
      );
    } finally {
      await server.close();
    }
  });

  it('injects into streamed HTML whose <head> arrives split across writes, dropping a stale Content-Length', async () => {
    const server = await serve(app());
    try {
      const response = await fetch(`${server.url}/streamed`);
      expect(await response.text()).toBe(
        `<!doctype html><html><head lang="en">${TAGS}<title>Stream</title></head><body><p>done</p></body></html>`,
      );
    } finally {
      await server.close();
    }
  });

  it('handles writeHead with headers, and pages without <head>', async () => {
    const server = await serve(app());
    try {
      expect(await (await fetch(`${server.url}/write-head`)).text()).toBe(`<html><body>${TAGS}plain</body></html>`);
      expect(await (await fetch(`${server.url}/fragment`)).text()).toBe(`<p>just a fragment</p>${TAGS}`);
    } finally {
      await server.close();
    }
  });

  it('leaves a page that already loads the overlay (the Spotlight error page) as it is', async () => {
    const server = await serve(app());
    try {
      expect(await (await fetch(`${server.url}/already`)).text()).toBe(
        `<html><head>${overlayScriptTags({ sidecarUrl: SIDECAR, fullPage: true })}</head></html>`,
      );
    } finally {
      await server.close();
    }
  });

  it('leaves JSON, compressed, bodiless and HEAD responses alone', async () => {
    const server = await serve(app());
    try {
      expect(await (await fetch(`${server.url}/api`)).json()).toEqual({ html: '<head></head>' });
      const gzipped = await fetch(`${server.url}/gzipped`);
      expect(await gzipped.text()).toBe('<html><head></head></html>');
      expect((await fetch(`${server.url}/not-modified`)).status).toBe(304);
      const head = await fetch(`${server.url}/page`, { method: 'HEAD' });
      expect(head.headers.get('content-length')).toBe(String(PAGE.length));
    } finally {
      await server.close();
    }
  });

  it('changes nothing in production', async () => {
    const server = await serve(app({ NODE_ENV: 'production' }));
    try {
      expect(await (await fetch(`${server.url}/page`)).text()).toBe(PAGE);
    } finally {
      await server.close();
    }
  });

  it('finds the injection point after <head ...>, else after <body ...>, and not in <header>', () => {
    expect(injectionPoint('<html><head data-x="1"><title>')).toBe('<html><head data-x="1">'.length);
    expect(injectionPoint('<header>x</header><body class="a">')).toBe('<header>x</header><body class="a">'.length);
    expect(injectionPoint('<p>no tags yet')).toBe(-1);
  });
});
