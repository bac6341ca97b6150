import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOverlayDir } from './overlayDir.ts';
import { sidecarStarter } from './test/server.ts';

const start = sidecarStarter();

function builtOverlay(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spotlight-overlay-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Spotlight</title><script type="module" src="/assets/main.js"></script>');
  writeFileSync(join(dir, 'assets', 'main.js'), 'console.log("overlay");\n');
  writeFileSync(join(dir, 'assets', 'chunk-abc123.css'), 'body{}\n');
  return dir;
}

describe('GET / and the overlay files', () => {
  it('serves the built overlay page and its assets, revalidated on every load', async () => {
    const sidecar = await start({ overlayDir: builtOverlay() });
    const page = await sidecar.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.text).toContain('<script type="module" src="/assets/main.js"></script>');
    const main = await sidecar.get('/assets/main.js');
    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(main.headers.get('cache-control')).toBe('no-cache');
    expect(main.text).toBe('console.log("overlay");\n');
    expect((await sidecar.get('/assets/chunk-abc123.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('does not serve files outside the overlay folder', async () => {
    const sidecar = await start({ overlayDir: builtOverlay() });
    for (const path of ['/assets/../../../../etc/passwd', '/assets/%2e%2e/%2e%2e/etc/passwd', '/assets/missing.js']) {
      const answer = await sidecar.get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.text).not.toContain('root:');
    }
  });

  it('explains how to connect an SDK while the overlay is not built', async () => {
    const sidecar = await start();
    const page = await sidecar.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('Spotlight is running');
    expect(page.text).toContain('Spotlight.init()');
    expect(page.text).toContain('sentry_sdk.init(spotlight=True)');
    expect(page.text).toContain(`http://spotlight@localhost:${sidecar.port}/0`);
    expect(page.text).toContain(`http://localhost:${sidecar.port}/stream`);
  });

  it("finds the sentry-spotlight package's dist folder by default", async () => {
    const dir = await defaultOverlayDir();
    expect(dir).toMatch(/[/\\]dist$/);
    expect(JSON.parse(readFileSync(join(dir ?? '', '..', 'package.json'), 'utf8')).name).toBe('sentry-spotlight');
  });
});

describe('GET /health', () => {
  it('identifies the sidecar and counts envelopes and viewers', async () => {
    const sidecar = await start();
    await sidecar.post('/stream', '{}\n{"type":"session"}\n{"sid":"a"}');
    const answer = await sidecar.get('/health');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-powered-by')).toBe('spotlight-by-sentry');
    const health = JSON.parse(answer.text);
    expect(health).toEqual({
      name: 'spotlight',
      version: '0.1.0',
      pid: process.pid,
      port: sidecar.port,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      envelopes: 1,
      bufferBytes: expect.any(Number),
      viewers: 0,
      slowViewersDisconnected: 0,
    });
    expect(health.bufferBytes).toBeGreaterThan(30);
  });
});
