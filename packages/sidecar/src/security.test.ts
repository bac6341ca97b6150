import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { eventEnvelope } from './test/payloads.ts';
import { sidecarStarter } from './test/server.ts';

const start = sidecarStarter();

/** node:http, because fetch does not let a caller set Host. */
function request(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: Uint8Array }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/health', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('binding', () => {
  it('listens on loopback only by default (127.0.0.1, and ::1 when the machine has it)', async () => {
    const sidecar = await start({ host: undefined });
    expect(sidecar.addresses[0]).toBe('127.0.0.1');
    expect(sidecar.addresses.every((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
    expect(sidecar.url).toBe(`http://localhost:${sidecar.port}`);
    expect((await request(sidecar.port, {})).status).toBe(200);
  });
});

describe('Host check (DNS rebinding)', () => {
  it('accepts loopback names and addresses with any port', async () => {
    const sidecar = await start();
    for (const host of ['localhost', `localhost:${sidecar.port}`, '127.0.0.1:1', '[::1]:8969', 'spotlight.localhost']) {
      expect((await request(sidecar.port, { headers: { Host: host } })).status, host).toBe(200);
    }
  });

  it('refuses any other Host with 403 and says how to allow it, for every route', async () => {
    const sidecar = await start();
    for (const [method, path] of [
      ['GET', '/health'],
      ['GET', '/stream'],
      ['POST', '/stream'],
      ['DELETE', '/clear'],
      ['GET', '/'],
    ] as const) {
      const answer = await request(sidecar.port, {
        method,
        path,
        headers: { Host: 'attacker.example:8969' },
        body: method === 'POST' ? eventEnvelope('x') : undefined,
      });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.text).toBe(
        'Host "attacker.example:8969" is not allowed: Spotlight answers only to localhost, 127.0.0.1 and [::1] (a guard against DNS rebinding); start it with --allowed-host "attacker.example" to allow this name\n',
      );
    }
    expect(JSON.parse((await request(sidecar.port, {})).text).envelopes).toBe(0);
  });

  it('accepts configured hosts', async () => {
    const sidecar = await start({ allowedHosts: ['devbox'] });
    expect((await request(sidecar.port, { headers: { Host: 'devbox:8969' } })).status).toBe(200);
    expect((await request(sidecar.port, { headers: { Host: 'other:8969' } })).status).toBe(403);
  });
});

describe('origins and CORS', () => {
  it('echoes local origins, never *, with Vary: Origin', async () => {
    const sidecar = await start();
    for (const origin of ['http://localhost:3000', 'https://127.0.0.1:5173', 'http://[::1]:8080']) {
      const answer = await request(sidecar.port, {
        method: 'POST',
        path: '/stream',
        headers: { Origin: origin, 'Content-Type': 'text/plain' },
        body: eventEnvelope('cors'),
      });
      expect(answer.status, origin).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBe(origin);
      expect(answer.headers.vary).toBe('Origin');
    }
    const plain = await request(sidecar.port, {});
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    expect(plain.headers.vary).toBe('Origin');
  });

  it('answers preflights, including Private Network Access', async () => {
    const sidecar = await start();
    const answer = await request(sidecar.port, {
      method: 'OPTIONS',
      path: '/api/0/envelope/',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, sentry-trace, baggage',
        'Access-Control-Request-Private-Network': 'true',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:3000',
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'content-type, sentry-trace, baggage',
      'access-control-allow-private-network': 'true',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
    });
  });

  it('refuses requests from other origins server-side with 403, not just without CORS headers', async () => {
    const sidecar = await start();
    const hostile = [
      await request(sidecar.port, {
        method: 'POST',
        path: '/stream',
        headers: { Origin: 'https://evil.example' },
        body: eventEnvelope('x'),
      }),
      await request(sidecar.port, { method: 'DELETE', path: '/clear', headers: { Origin: 'https://evil.example' } }),
      await request(sidecar.port, { path: '/stream', headers: { Origin: 'http://localhost.evil.example' } }),
      await request(sidecar.port, {
        method: 'OPTIONS',
        path: '/stream',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      }),
      await request(sidecar.port, { path: '/health', headers: { Origin: 'null' } }),
    ];
    expect(hostile.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    for (const answer of hostile) expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(hostile[0]?.text).toBe(
      'Origin "https://evil.example" is not allowed: Spotlight accepts pages on localhost, 127.0.0.1 and [::1] only; start it with --allowed-origin "https://evil.example" to allow this one\n',
    );
    expect(JSON.parse((await request(sidecar.port, {})).text).envelopes).toBe(0);
  });

  it('lets --allowed-origin origins in', async () => {
    const sidecar = await start({ allowedOrigins: ['https://app.example.test'] });
    const answer = await request(sidecar.port, {
      method: 'POST',
      path: '/stream',
      headers: { Origin: 'https://app.example.test' },
      body: eventEnvelope('x'),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect((await request(sidecar.port, { headers: { Origin: 'https://other.example.test' } })).status).toBe(403);
  });

  it('lets a page served by the sidecar itself through (same origin on an allowed host)', async () => {
    const sidecar = await start({ allowedHosts: ['devbox'] });
    const answer = await request(sidecar.port, { headers: { Host: 'devbox:8969', Origin: 'http://devbox:8969' } });
    expect(answer.status).toBe(200);
  });

  it('refuses cross-site requests without Origin (a <script src>, <img> or <iframe> on another site) on every route', async () => {
    const sidecar = await start();
    const noCors = (dest: string) => ({ 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': dest });
    const refused = [
      await request(sidecar.port, { path: '/stream', headers: noCors('script') }),
      await request(sidecar.port, { path: '/health', headers: noCors('image') }),
      await request(sidecar.port, { path: '/assets/main.js', headers: noCors('script') }),
      await request(sidecar.port, { path: '/envelope/x', headers: noCors('image') }),
      await request(sidecar.port, { path: '/export', headers: noCors('image') }),
      await request(sidecar.port, { path: '/mcp', headers: noCors('script') }),
      await request(sidecar.port, { path: '/v1/traces', headers: noCors('script') }),
      await request(sidecar.port, {
        path: '/',
        headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' },
      }),
    ];
    expect(refused.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    expect(refused[0]?.text).toBe(
      'cross-site request without Origin (Sec-Fetch-Site: cross-site, Sec-Fetch-Mode: no-cors) is not allowed: Spotlight accepts pages on localhost, 127.0.0.1 and [::1] only; a page of another origin must use fetch or EventSource and be started with --allowed-origin\n',
    );
    // No stream was opened for the <script>.
    expect(JSON.parse((await request(sidecar.port, {})).text).viewers).toBe(0);
  });

  it('lets through what a user opens, same-site pages, and allowed origins reading across sites', async () => {
    const sidecar = await start({ allowedOrigins: ['https://app.example.test'] });
    const passed = [
      // A link followed from another site opens the page in a tab: that site cannot read it.
      await request(sidecar.port, {
        path: '/',
        headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' },
      }),
      await request(sidecar.port, { path: '/health', headers: { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' } }),
      await request(sidecar.port, { path: '/health', headers: { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors' } }),
      await request(sidecar.port, {
        path: '/health',
        headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors', Origin: 'https://app.example.test' },
      }),
    ];
    expect(passed.map((a) => a.status)).toEqual([200, 200, 200, 200]);
  });
});
