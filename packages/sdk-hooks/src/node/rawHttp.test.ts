import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpError, rawRequest } from './rawHttp.ts';
import { freePort, startServer, type TestServer } from './test/servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handle: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handle);
  servers.push(s);
  return s;
}

describe('rawRequest', () => {
  it('POSTs the body with its length and reads status, headers and a sized body', async () => {
    const s = await server((_req, res, body) => {
      res.writeHead(201, { 'x-echo': 'yes', 'content-type': 'text/plain' });
      res.end(`got ${body.length}`);
    });
    const response = await rawRequest(`${s.url}/stream?x=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-sentry-envelope' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(response.status).toBe(201);
    expect(response.headers['x-echo']).toBe('yes');
    expect(response.body.toString()).toBe('got 3');
    expect(s.requests[0]?.url).toBe('/stream?x=1');
    expect(s.requests[0]?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect([...(s.requests[0]?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it('decodes a chunked body', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200);
      res.write('{"name":');
      res.end('"spotlight"}');
    });
    const response = await rawRequest(`${s.url}/health`, { method: 'GET' });
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(JSON.parse(response.body.toString())).toEqual({ name: 'spotlight' });
  });

  it('fails with the socket error code when nothing listens', async () => {
    const port = await freePort();
    const error = await rawRequest(`http://127.0.0.1:${port}/health`, { method: 'GET' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RawHttpError);
    expect((error as RawHttpError).code).toBe('ECONNREFUSED');
  });

  it('gives up when the signal aborts (a server that never answers)', async () => {
    const s = await server(() => {});
    const controller = new AbortController();
    const pending = rawRequest(`${s.url}/stream`, { method: 'POST', body: new Uint8Array(1), signal: controller.signal });
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
  });

  it('refuses a response larger than the limit', async () => {
    const s = await server((_req, res) => res.end('x'.repeat(5000)));
    await expect(rawRequest(`${s.url}/`, { method: 'GET', maxResponseBytes: 1000 })).rejects.toThrow('response larger than 1000 bytes');
  });
});
