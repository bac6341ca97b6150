import { fileURLToPath } from 'node:url';
import * as Sentry from '@sentry/node';
import express, { type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spotlightErrorPage } from './error-page.ts';
import { FILTERED } from './mask.ts';
import { type EnvelopeRecorder, startEnvelopeRecorder } from './test/envelope-recorder.ts';
import { initOptionsOf, serve } from './test/serve.ts';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

let recorder: EnvelopeRecorder;
beforeAll(async () => {
  recorder = await startEnvelopeRecorder();
  // The app's own SDK, reporting to Spotlight through Sentry's `spotlight` option; no DSN.
  Sentry.init({ spotlight: `${recorder.url}/stream`, tracesSampleRate: 0, release: 'shop@1.2.3' });
});
afterAll(async () => {
  await Sentry.close(1000);
  await recorder.close();
});

function appWith(install: (app: Express) => void): Express {
  const app = express();
  app.get('/reports/:year', (req) => {
    // The year varies per test: the SDK's Dedupe integration drops an event identical to the one before.
    throw new RangeError(`Year ${req.params.year} is before the first report`);
  });
  install(app);
  return app;
}

const env = { NODE_ENV: 'development', API_TOKEN: 'tok_123', LANG: 'C.UTF-8' };

describe('spotlightErrorPage with the app Sentry SDK', () => {
  it('captures through the SDK (a real Sentry event) with the request and environment added', async () => {
    const server = await serve(appWith((app) => app.use(spotlightErrorPage({ env, cwd: PACKAGE_DIR, sidecarUrl: recorder.url }))));
    try {
      const response = await fetch(`${server.url}/reports/1899?format=pdf`, { headers: { accept: 'text/html', 'x-api-key': 'k-1' } });
      expect(response.status).toBe(500);
      const eventId = String(initOptionsOf(await response.text()).startFrom).replace('/errors/events/', '');
      const event = await recorder.nextEvent(eventId);
      expect((event.sdk as { name: string }).name).toBe('sentry.javascript.node');
      expect(event.release).toBe('shop@1.2.3');
      const [exception] = (event.exception as { values: Array<Record<string, unknown>> }).values;
      expect([exception?.type, exception?.value]).toEqual(['RangeError', 'Year 1899 is before the first report']);
      expect(exception?.mechanism).toMatchObject({ type: 'auto.middleware.spotlight.express', handled: false });
      const request = event.request as { method: string; url: string; headers: Record<string, string> };
      expect(request.method).toBe('GET');
      expect(request.url).toBe(`${server.url}/reports/1899?format=pdf`);
      expect(request.headers['x-api-key']).toBe(FILTERED);
      expect(event.transaction).toBe('GET /reports/:year');
      const contexts = event.contexts as Record<string, Record<string, unknown>>;
      expect(contexts.environment_variables).toEqual({ API_TOKEN: FILTERED, LANG: 'C.UTF-8', NODE_ENV: 'development' });
      expect(contexts.process?.node_env).toBe('development');
    } finally {
      await server.close();
    }
  });

  it("counts a reload: the same error again is the SDK's event again, which Dedupe does not drop for Spotlight", async () => {
    const server = await serve(appWith((app) => app.use(spotlightErrorPage({ env, cwd: PACKAGE_DIR, sidecarUrl: recorder.url }))));
    try {
      const eventIds: string[] = [];
      for (let reload = 0; reload < 3; reload++) {
        const response = await fetch(`${server.url}/reports/1900`, { headers: { accept: 'text/html' } });
        eventIds.push(String(initOptionsOf(await response.text()).startFrom).replace('/errors/events/', ''));
      }
      expect(new Set(eventIds).size).toBe(3);
      const events = await Promise.all(eventIds.map((id) => recorder.nextEvent(id)));
      // Each a full SDK event (release and all), with the same frames: one issue, counted 3.
      const frames = (event: Record<string, unknown>) =>
        (
          event.exception as { values: { stacktrace: { frames: { module?: string; filename?: string; function?: string }[] } }[] }
        ).values[0]?.stacktrace.frames.map((frame) => `${frame.module ?? frame.filename} ${frame.function}`);
      for (const event of events) {
        expect(event.sdk).toMatchObject({ name: 'sentry.javascript.node' });
        expect(event.release).toBe('shop@1.2.3');
        expect(event.exception).toMatchObject({ values: [{ type: 'RangeError', value: 'Year 1900 is before the first report' }] });
        expect(frames(event)).toEqual(frames(events[0] ?? {}));
      }
    } finally {
      await server.close();
    }
  });

  it("opens on the event of Sentry's own error handler when it ran first", async () => {
    const server = await serve(
      appWith((app) => {
        Sentry.setupExpressErrorHandler(app);
        app.use(spotlightErrorPage({ env, cwd: PACKAGE_DIR, sidecarUrl: recorder.url }));
      }),
    );
    try {
      const response = await fetch(`${server.url}/reports/1776`, { headers: { accept: 'text/html' } });
      const eventId = String(initOptionsOf(await response.text()).startFrom).replace('/errors/events/', '');
      const event = await recorder.nextEvent(eventId);
      expect(event.exception).toMatchObject({
        values: [{ type: 'RangeError', value: 'Year 1776 is before the first report', mechanism: { type: 'auto.middleware.express' } }],
      });
    } finally {
      await server.close();
    }
  });
});
