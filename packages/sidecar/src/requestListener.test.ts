import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestListener } from './hotPath.ts';
import { createLogger } from './logger.ts';
import { type AppLoader, createRequestListener, loadExpressApp, type SidecarRequestListener } from './requestListener.ts';
import { createSidecarDeps } from './server.ts';
import { eventEnvelope } from './test/payloads.ts';
import { rawRequest } from './test/rawRequest.ts';
import { emptyOverlayDir } from './test/server.ts';

const servers: http.Server[] = [];
const listeners: SidecarRequestListener[] = [];
afterEach(async () => {
  for (const listener of listeners.splice(0)) listener.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A listener whose app loads only when `release()` is called (or fails with `fail()`). */
async function withGatedApp() {
  const logs: string[] = [];
  const deps = createSidecarDeps({ overlayDir: emptyOverlayDir(), log: createLogger({ write: (line) => logs.push(line) }) });
  let release: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  let loads = 0;
  const gate = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  gate.catch(() => {}); // failed on purpose; the listener sees the failure through loadApp
  let started: () => void = () => {};
  const loadStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const loadApp: AppLoader = async (appDeps, pipeline) => {
    loads++;
    started();
    await gate;
    return loadExpressApp(appDeps, pipeline);
  };
  const listener = createRequestListener(deps, loadApp);
  listeners.push(listener);
  const server = http.createServer(listener as RequestListener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { deps, listener, port, logs, release, fail, loadStarted, loads: () => loads };
}

describe('createRequestListener before the Express app is loaded', () => {
  it('takes envelopes and answers /health at once; other routes wait for the app, then are answered', async () => {
    const { deps, port, release, loads, loadStarted } = await withGatedApp();
    const stored = await rawRequest(port, 'POST', '/stream', eventEnvelope('early'));
    expect(stored.status).toBe(200);
    const { id } = JSON.parse(stored.text) as { id: string };
    expect(deps.store.at(0)?.id).toBe(id);
    expect((await rawRequest(port, 'POST', '/api/7/envelope/', eventEnvelope('dsn'))).status).toBe(200);
    const health = await rawRequest(port, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ name: 'spotlight', envelopes: 2 });
    expect(health.headers['x-powered-by']).toBe('spotlight-by-sentry');
    expect(loads()).toBe(0);

    let answered = false;
    const byId = rawRequest(port, 'GET', `/envelope/${id}`).then((answer) => {
      answered = true;
      return answer;
    });
    const notFound = rawRequest(port, 'GET', '/nowhere');
    await loadStarted;
    // The hot path keeps working while those wait for the app.
    expect((await rawRequest(port, 'POST', '/stream', eventEnvelope('meanwhile'))).status).toBe(200);
    expect(loads()).toBe(1);
    expect(answered).toBe(false);

    release();
    const envelope = await byId;
    expect(envelope.status).toBe(200);
    expect(envelope.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(envelope.text).toContain('"early"');
    expect(await notFound).toMatchObject({ status: 404, text: 'no route for GET /nowhere; see GET / for how to connect\n' });
    expect(loads()).toBe(1);
    deps.viewers.close();
  });

  it('answers 500 for the other routes when the app cannot load, and keeps taking envelopes', async () => {
    const { deps, port, fail, logs } = await withGatedApp();
    fail(new Error('Cannot find package express'));
    expect(await rawRequest(port, 'DELETE', '/clear')).toMatchObject({ status: 500, text: 'internal error (see the sidecar log)\n' });
    expect((await rawRequest(port, 'POST', '/stream', eventEnvelope('still'))).status).toBe(200);
    expect(deps.store.size).toBe(1);
    expect(logs.some((line) => line.includes('could not load the web app') && line.includes('Cannot find package express'))).toBe(true);
    deps.viewers.close();
  });

  it('is quiet once a request needed the app, or on close', async () => {
    const needed = await withGatedApp();
    const quiet = needed.listener.whenQuiet(60_000);
    void rawRequest(needed.port, 'GET', '/').catch(() => {});
    await quiet;
    expect(needed.loads()).toBe(1);
    needed.release();
    await needed.listener.loadApp();

    const closed = await withGatedApp();
    const pending = closed.listener.whenQuiet(60_000);
    closed.listener.close();
    await pending;
    expect(closed.loads()).toBe(0);
    needed.deps.viewers.close();
    closed.deps.viewers.close();
  });
});
