/**
 * The Express helpers with a real sidecar they start: after it exits on idle, the next page load (or the
 * next error) brings one back before the page names it, so the overlay script the page loads answers.
 */
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSidecar } from '../node/health.ts';
import { ensureBuilt, killAll, sidecarPids, tempDir, waitForExit } from '../node/test/processes.ts';
import { freePort } from '../node/test/servers.ts';
import { spotlightErrorPage } from './error-page.ts';
import { spotlightOverlay } from './overlay-injection.ts';
import { initOptionsOf, serve } from './test/serve.ts';

const stateFiles: string[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => killAll(stateFiles));

async function setup(options: { overlay: boolean }) {
  const stateFile = join(tempDir(), 'sidecar.json');
  stateFiles.push(stateFile);
  const port = await freePort();
  const env = { NODE_ENV: 'development', SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, SPOTLIGHT_IDLE_EXIT: '2' };
  const app = express();
  if (options.overlay) app.use(spotlightOverlay({ env }));
  app.get('/page', (_req, res) => {
    res.type('html').send('<!doctype html><html><head><title>Orders</title></head><body>orders</body></html>');
  });
  app.get('/broken', () => {
    throw new TypeError('order is undefined');
  });
  app.use(spotlightErrorPage({ env, useSentrySdk: false }));
  const server = await serve(app);
  const load = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
    return String(initOptionsOf(await response.text()).sidecarUrl);
  };
  const exited = async () => {
    const [pid] = sidecarPids(stateFile);
    expect(pid).toBeDefined();
    // No envelope and no viewer for 2 s: it exits, as when the developer closed the tab.
    expect(await waitForExit(pid ?? 0, 30_000)).toBe(true);
    expect(await probeSidecar(`http://localhost:${port}`)).toMatchObject({ kind: 'down' });
    return pid;
  };
  return { server, port, stateFile, load, exited };
}

describe('Express helpers and a sidecar that exited on idle', { timeout: 90_000 }, () => {
  it('a page load brings it back before the page names it', async () => {
    const s = await setup({ overlay: true });
    try {
      expect(await s.load('/page')).toBe(`http://localhost:${s.port}`);
      const first = await s.exited();
      const named = await s.load('/page');
      expect(named).toBe(`http://localhost:${s.port}`);
      // Already answering when the browser asks it for the overlay script.
      expect(await probeSidecar(named)).toMatchObject({ kind: 'spotlight' });
      expect(sidecarPids(s.stateFile)).not.toContain(first);
      expect(sidecarPids(s.stateFile)).toHaveLength(1);
    } finally {
      await s.server.close();
    }
  });

  it('so does the next error, whose page then loads the overlay from it', async () => {
    const s = await setup({ overlay: false });
    try {
      // The first error starts it.
      expect(await s.load('/broken')).toBe(`http://localhost:${s.port}`);
      await s.exited();
      const named = await s.load('/broken');
      expect(named).toBe(`http://localhost:${s.port}`);
      expect(await probeSidecar(named)).toMatchObject({ kind: 'spotlight' });
    } finally {
      await s.server.close();
    }
  });
});
