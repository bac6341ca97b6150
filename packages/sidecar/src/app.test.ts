import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createRoutes } from './routes.ts';
import { createSidecarDeps } from './server.ts';
import { eventEnvelope } from './test/payloads.ts';
import { rawRequest } from './test/rawRequest.ts';
import { emptyOverlayDir } from './test/server.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

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

/** The routes on their own, as startSidecar serves them until Express has loaded. */
function routesAlone(deps: ReturnType<typeof createSidecarDeps>): RequestListener {
  const routes = createRoutes(deps);
  return (req, res) => routes(req, res, () => res.destroy());
}

describe('the routes answer alike inside Express and on their own', () => {
  for (const [name, make] of [
    ['createApp (Express)', (deps: ReturnType<typeof createSidecarDeps>) => createApp(deps) as unknown as RequestListener],
    ['createRoutes (before Express loads)', routesAlone],
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
