import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { type ErrorPageOptions, spotlightErrorPage } from './error-page.ts';
import { FILTERED } from './mask.ts';
import { type EnvelopeRecorder, startEnvelopeRecorder } from './test/envelope-recorder.ts';
import { initOptionsOf, serve } from './test/serve.ts';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

class OrderError extends Error {
  override name = 'OrderError';
}

const ENV = {
  NODE_ENV: 'development',
  HOME: '/home/dev',
  PORT: '3000',
  STRIPE_SECRET_KEY: 'sk_test_51abc',
  GITHUB_TOKEN: 'ghp_secret',
  SESSION_SECRET: 'keyboard cat',
  SENTRY_DSN: 'https://public@o1.ingest.example/1',
  DATABASE_URL: 'postgres://app:s3cr3t@db.local:5432/shop',
};

let recorder: EnvelopeRecorder;
beforeAll(async () => {
  recorder = await startEnvelopeRecorder();
});
afterAll(async () => {
  await recorder.close();
});

interface Downstream {
  error?: unknown;
}

function buildApp(options: ErrorPageOptions, downstream: Downstream = {}) {
  const app = express();
  app.use(express.json());
  app.post('/orders/:id', () => {
    throw new OrderError('Order 42 could not be charged', { cause: new Error('card declined') });
  });
  app.get('/boom', () => {
    throw new TypeError("Cannot read properties of undefined (reading 'total')");
  });
  app.get('/missing', (_req: Request, _res: Response, next: NextFunction) => {
    next(Object.assign(new Error('No such page'), { status: 404 }));
  });
  app.get('/xss', () => {
    throw new Error('<img src=x onerror=alert(1)> </script>');
  });
  app.get('/streaming', (_req: Request, res: Response) => {
    res.write('partial');
    throw new Error('after the headers');
  });
  app.use(spotlightErrorPage({ useSentrySdk: false, cwd: PACKAGE_DIR, env: ENV, ...options }));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    downstream.error = error;
    if (res.headersSent) res.end();
    else res.status(418).json({ downstream: error instanceof Error ? error.message : String(error) });
  });
  return app;
}

describe('spotlightErrorPage in development', () => {
  it('answers an HTML request with Spotlight full-page opened on the event it sent, with request and environment', async () => {
    const server = await serve(buildApp({ sidecarUrl: recorder.url }));
    const body = JSON.stringify({ card: '4242', password: 'hunter2', note: 'leave at the door' });
    try {
      const response = await fetch(`${server.url}/orders/42?token=abc&page=2`, {
        method: 'POST',
        headers: {
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          authorization: 'Bearer eyJsecret',
          cookie: 'session=xyz; theme=dark',
          'x-request-id': 'req-7',
          'content-type': 'application/json',
        },
        body,
      });
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      const initOptions = initOptionsOf(html);
      const eventId = String(initOptions.startFrom).replace('/errors/events/', '');
      expect(eventId).toMatch(/^[0-9a-f]{32}$/);
      expect(initOptions).toEqual({ sidecarUrl: recorder.url, fullPage: true, startFrom: `/errors/events/${eventId}` });
      expect(html).toContain(`<script type="module" src="${recorder.url}/assets/main.js" data-spotlight-overlay></script>`);
      expect(html).toContain('<title>OrderError: Order 42 could not be charged · Spotlight</title>');
      // Delivered: the fallback stays hidden unless the overlay fails to load.
      expect(html).toContain('<html lang="en">');

      const event = await recorder.nextEvent(eventId);
      const values = (event.exception as { values: Array<Record<string, unknown>> }).values;
      expect(values.map((value) => [value.type, value.value])).toEqual([
        ['Error', 'card declined'],
        ['OrderError', 'Order 42 could not be charged'],
      ]);
      expect(values[1]?.mechanism).toEqual({ type: 'auto.middleware.spotlight.express', handled: false, exception_id: 0 });
      const frames = (values[1]?.stacktrace as { frames: Array<Record<string, unknown>> } | undefined)?.frames ?? [];
      const top = frames.at(-1);
      expect(top?.in_app).toBe(true);
      expect(top?.abs_path).toBe(fileURLToPath(import.meta.url));
      expect(String(top?.context_line).trim()).toBe(
        "throw new OrderError('Order 42 could not be charged', { cause: new Error('card declined') });",
      );
      expect(frames.some((frame) => String(frame.abs_path).includes('/node_modules/router/') && frame.in_app === false)).toBe(true);

      expect(event.request).toEqual({
        method: 'POST',
        url: `${server.url}/orders/42?token=[Filtered]&page=2`,
        query_string: 'token=[Filtered]&page=2',
        headers: {
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          authorization: FILTERED,
          cookie: FILTERED,
          'x-request-id': 'req-7',
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          host: server.url.replace('http://', ''),
          connection: 'keep-alive',
          'accept-language': '*',
          'sec-fetch-mode': 'cors',
          'user-agent': 'node',
          'accept-encoding': 'gzip, deflate',
        },
        cookies: { session: FILTERED, theme: FILTERED },
        data: { card: '4242', password: FILTERED, note: 'leave at the door' },
      });
      expect(event.transaction).toBe('POST /orders/:id');
      expect(event.tags).toEqual({ 'http.method': 'POST', route: 'POST /orders/:id' });
      expect(event.environment).toBe('development');
      expect(event.platform).toBe('node');
      expect(event.sdk).toEqual({ name: 'spotlight.express', version: packageJson.version });
      const contexts = event.contexts as Record<string, Record<string, unknown>>;
      expect(contexts.runtime).toEqual({ name: 'node', version: process.version });
      expect(contexts.app).toEqual({ app_name: '@spotlight/sdk-hooks', app_version: packageJson.version, app_root: PACKAGE_DIR });
      expect(contexts.process).toMatchObject({ cwd: PACKAGE_DIR, pid: process.pid, platform: process.platform, node_env: 'development' });
      expect(contexts.environment_variables).toEqual({
        DATABASE_URL: 'postgres://app:[Filtered]@db.local:5432/shop',
        GITHUB_TOKEN: FILTERED,
        HOME: '/home/dev',
        NODE_ENV: 'development',
        PORT: '3000',
        SENTRY_DSN: FILTERED,
        SESSION_SECRET: FILTERED,
        STRIPE_SECRET_KEY: FILTERED,
      });
    } finally {
      await server.close();
    }
  });

  it('keeps a JSON error body for API requests, and still reports the error', async () => {
    const server = await serve(buildApp({ sidecarUrl: recorder.url }));
    try {
      for (const accept of ['application/json', '*/*']) {
        const response = await fetch(`${server.url}/boom`, { headers: { accept } });
        expect(response.status).toBe(500);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        const body = (await response.json()) as { error: Record<string, unknown> };
        expect(body.error.name).toBe('TypeError');
        expect(body.error.message).toBe("Cannot read properties of undefined (reading 'total')");
        expect(body.error.status).toBe(500);
        expect((body.error.stack as string[])[0]).toMatch(/^at .*error-page\.test\.ts:\d+:\d+\)?$/);
        const event = await recorder.nextEvent(String(body.error.eventId));
        expect(event.transaction).toBe('GET /boom');
      }
    } finally {
      await server.close();
    }
  });

  it('passes client errors (status below 500) on untouched, without reporting them', async () => {
    const downstream: Downstream = {};
    const before = recorder.envelopes.length;
    const server = await serve(buildApp({ sidecarUrl: recorder.url }, downstream));
    try {
      const response = await fetch(`${server.url}/missing`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(418);
      expect(await response.json()).toEqual({ downstream: 'No such page' });
      expect(recorder.envelopes.length).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('passes the error on when the response has already started', async () => {
    const downstream: Downstream = {};
    const before = recorder.envelopes.length;
    const server = await serve(buildApp({ sidecarUrl: recorder.url }, downstream));
    try {
      const response = await fetch(`${server.url}/streaming`, { headers: { accept: 'text/html' } });
      expect(await response.text()).toBe('partial');
      expect((downstream.error as Error).message).toBe('after the headers');
      expect(recorder.envelopes.length).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('escapes the error text and shows the plain fallback when the sidecar is down', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    await once(closed, 'close');

    const server = await serve(buildApp({ sidecarUrl: deadUrl, autoStart: false }));
    try {
      const response = await fetch(`${server.url}/xss`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(500);
      const html = await response.text();
      expect(html).toContain('<html lang="en" data-spotlight-unavailable>');
      expect(html).toContain('<p>&lt;img src=x onerror=alert(1)&gt; &lt;/script&gt;</p>');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain(`Spotlight could not be reached at <code>${deadUrl}</code>`);
    } finally {
      await server.close();
    }
  });
});

describe('spotlightErrorPage in production', () => {
  it('only calls next(err) with the same error: no page, no report', async () => {
    const downstream: Downstream = {};
    const before = recorder.envelopes.length;
    const server = await serve(buildApp({ sidecarUrl: recorder.url, env: { ...ENV, NODE_ENV: 'production' } }, downstream));
    try {
      const response = await fetch(`${server.url}/boom`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(418);
      expect(await response.json()).toEqual({ downstream: "Cannot read properties of undefined (reading 'total')" });
      expect(downstream.error).toBeInstanceOf(TypeError);
      expect(recorder.envelopes.length).toBe(before);
    } finally {
      await server.close();
    }
  });
});
