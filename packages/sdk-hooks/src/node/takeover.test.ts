import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { sdkSpotlightTarget, stopSdkSpotlightRequests } from './takeover.ts';
import { startServer, type TestServer } from './test/servers.ts';

/** POSTs as Sentry's own Spotlight integration does; resolves with the status, or the error's message. */
function post(url: string, contentType: string): Promise<string> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const req = request(
      { method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname, headers: { 'Content-Type': contentType } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
      },
    );
    req.on('error', (error) => resolve(error.message));
    req.end('{}\n');
  });
}

describe("stopping the requests of Sentry's own Spotlight integration", () => {
  let server: TestServer | undefined;
  afterAll(() => server?.close());

  it('reads where it sends from the `spotlight` option', () => {
    expect(sdkSpotlightTarget(true)?.href).toBe('http://localhost:8969/stream');
    expect(sdkSpotlightTarget('http://localhost:9000/stream')?.href).toBe('http://localhost:9000/stream');
    expect(sdkSpotlightTarget('not a url')).toBeUndefined();
  });

  it('stops its envelope POSTs to its target before they connect, and nothing else', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    const stream = `http://localhost:${server.port}/stream`;
    let stopped = 0;
    const allow = stopSdkSpotlightRequests(new URL(stream), () => stopped++);
    try {
      expect(await post(stream, 'application/x-sentry-envelope')).toBe('sent by Spotlight instead');
      expect(await post(`http://localhost:${server.port}/other`, 'application/x-sentry-envelope')).toBe('200');
      expect(await post(stream, 'application/json')).toBe('200');
    } finally {
      allow();
    }
    expect(stopped).toBe(1);
    expect(server.requests.map((r) => r.url)).toEqual(['/other', '/stream']);
    // Let through again once the client closes.
    expect(await post(stream, 'application/x-sentry-envelope')).toBe('200');
  });

  it('without a known target, stops envelope POSTs to any loopback /stream', async () => {
    server ??= await startServer((_req, res) => res.end('ok'));
    const allow = stopSdkSpotlightRequests(undefined);
    try {
      expect(await post(`http://127.0.0.1:${server.port}/stream`, 'application/x-sentry-envelope')).toBe('sent by Spotlight instead');
      expect(await post(`http://127.0.0.1:${server.port}/api/1/envelope/`, 'application/x-sentry-envelope')).toBe('200');
    } finally {
      allow();
    }
  });
});
