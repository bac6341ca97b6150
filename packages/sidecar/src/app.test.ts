import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { isHealthCheck, isHotIngest, type RequestListener } from './hotPath.ts';
import { createRequestListener } from './requestListener.ts';
import { createSidecarDeps } from './server.ts';
import { eventEnvelope } from './test/payloads.ts';
import { rawRequest } from './test/rawRequest.ts';
import { emptyOverlayDir } from './test/server.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(listener: RequestListener): Promise<number> {
  const server = http.createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const post = (port: number, path: string, body: Uint8Array | string, headers?: Record<string, string>) =>
  rawRequest(port, 'POST', path, body, headers);

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      })
      .on('error', reject);
  });
}

describe('isHotIngest', () => {
  it('matches the envelope ingest routes only', () => {
    for (const url of ['/stream', '/stream?x=1', '/api/0/envelope', '/api/0/envelope/', '/api/12/envelope/?sentry_key=k']) {
      expect(isHotIngest('POST', url), url).toBe(true);
    }
    for (const [method, url] of [
      ['GET', '/stream'],
      ['POST', '/api/0/store/'],
      ['POST', '/streams'],
      ['POST', '/api/0/envelope/x'],
      ['POST', '/api//envelope'],
      ['DELETE', '/clear'],
    ] as const) {
      expect(isHotIngest(method, url), `${method} ${url}`).toBe(false);
    }
  });
});

describe('isHealthCheck', () => {
  it('matches GET and HEAD /health only (other spellings go to Express, which answers them alike)', () => {
    for (const [method, url] of [
      ['GET', '/health'],
      ['HEAD', '/health'],
      ['GET', '/health?x=1'],
    ] as const) {
      expect(isHealthCheck(method, url), `${method} ${url}`).toBe(true);
    }
    for (const [method, url] of [
      ['POST', '/health'],
      ['GET', '/health/'],
      ['GET', '/healthz'],
      ['GET', '/HEALTH'],
    ] as const) {
      expect(isHealthCheck(method, url), `${method} ${url}`).toBe(false);
    }
  });
});

describe('the hot path and the Express app answer alike', () => {
  for (const [name, make] of [
    ['createApp (Express only)', (deps: ReturnType<typeof createSidecarDeps>) => createApp(deps) as unknown as RequestListener],
    ['createRequestListener (hot path)', createRequestListener],
  ] as const) {
    it(name, async () => {
      const deps = createSidecarDeps({ overlayDir: emptyOverlayDir() });
      const port = await serve(make(deps));
      const ok = await post(port, '/api/3/envelope/', eventEnvelope('same'), { Origin: 'http://localhost:3000' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text).id).toBe(deps.store.at(0)?.id);
      expect(ok.headers).toMatchObject({
        'x-powered-by': 'spotlight-by-sentry',
        'access-control-allow-origin': 'http://localhost:3000',
        vary: 'Origin',
      });
      expect(await post(port, '/stream', '{}\n{"type":"event"}\n{bad')).toMatchObject({
        status: 400,
        text: 'bad envelope: item 1 (event) payload is not valid JSON: unexpected "b" (at byte 21)\n',
      });
      expect((await post(port, '/stream', eventEnvelope('x'), { Host: 'rebind.example' })).status).toBe(403);
      expect((await post(port, '/stream', eventEnvelope('x'), { Origin: 'https://evil.example' })).status).toBe(403);
      expect((await post(port, '/stream', eventEnvelope('x'), { 'Content-Encoding': 'br, gzip' })).status).toBe(415);
      expect(deps.store.size).toBe(1);
      const health = await get(port, '/health');
      expect(health.status).toBe(200);
      expect(health.headers).toMatchObject({ 'x-powered-by': 'spotlight-by-sentry', 'content-type': 'application/json; charset=utf-8' });
      expect(JSON.parse(health.text)).toMatchObject({ name: 'spotlight', envelopes: 1, viewers: 0 });
      expect((await get(port, '/health', { Host: 'rebind.example' })).status).toBe(403);
      deps.viewers.close();
    });
  }
});
