import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SidecarProbe } from './health.ts';
import { connectClient } from './integration.ts';
import { addSidecarToBaggage, watchIncomingBaggage } from './propagation.ts';
import { FakeClient } from './test/fakeClient.ts';
import { startServer, type TestServer } from './test/servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function requestWithBaggage(server: TestServer, baggage: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/`, { headers: { baggage } }, (res) => res.resume().on('end', () => resolve()));
    req.on('error', reject);
    req.end();
  });
}

describe('sidecar address in baggage', () => {
  it('adds spotlight=<stream URL> to every sampling context the client creates', () => {
    const client = new FakeClient();
    addSidecarToBaggage(client, () => 'http://localhost:9000');
    const dsc: Record<string, unknown> = { trace_id: 'abc' };
    client.emit('createDsc', dsc);
    expect(dsc).toEqual({ trace_id: 'abc', spotlight: 'http://localhost:9000/stream' });
  });

  it("reads it from any incoming request's baggage, whatever the server", async () => {
    const seen: string[] = [];
    const stop = watchIncomingBaggage((raw) => seen.push(raw));
    const server = await startServer((_req, res) => res.end());
    servers.push(server);
    await requestWithBaggage(server, 'sentry-trace_id=abc,sentry-spotlight=http%3A%2F%2Flocalhost%3A9000%2Fstream');
    await requestWithBaggage(server, 'sentry-trace_id=abc');
    stop();
    await requestWithBaggage(server, 'sentry-spotlight=http%3A%2F%2Flocalhost%3A9001%2Fstream');
    expect(seen).toEqual(['http://localhost:9000/stream']);
  });

  it('a service sends to the loopback sidecar an incoming request names, and ignores a remote one with one debug line', async () => {
    const server = await startServer((_req, res) => res.end());
    servers.push(server);
    const client = new FakeClient();
    const probed: string[] = [];
    const lines: string[] = [];
    const sent: string[] = [];
    const handle = connectClient(client, {
      env: { SPOTLIGHT_PORT: '45999', SPOTLIGHT_STATE_FILE: '/nonexistent/sidecar.json' },
      debug: true,
      log: (line) => lines.push(line),
      probe: async (url): Promise<SidecarProbe> => {
        probed.push(url);
        return { kind: 'spotlight', pid: 1 };
      },
      send: async (_bytes, url) => {
        sent.push(url);
      },
      spawn: () => {
        throw new Error('must not spawn');
      },
    });
    expect(handle.transport).toBe('installed');
    await requestWithBaggage(server, 'sentry-spotlight=http%3A%2F%2Fattacker.test%3A8969%2Fstream');
    await requestWithBaggage(server, 'sentry-spotlight=http%3A%2F%2Fevil.test%2Fstream');
    await requestWithBaggage(server, 'sentry-spotlight=http%3A%2F%2F127.0.0.1%3A47001%2Fstream');
    await client.sendEnvelope([{}, [[{ type: 'event' }, { message: 'hi' }]]]);
    await handle.flush(2000);
    expect(lines.filter((l) => l.startsWith('ignoring'))).toEqual([
      'ignoring spotlight "http://attacker.test:8969/stream" from baggage: only loopback URLs are honoured',
    ]);
    expect(probed).toEqual(['http://127.0.0.1:47001']);
    expect(sent).toEqual(['http://127.0.0.1:47001/stream']);
    // Downstream calls from here name the same sidecar.
    const dsc: Record<string, unknown> = {};
    client.emit('createDsc', dsc);
    expect(dsc.spotlight).toBe('http://127.0.0.1:47001/stream');
    client.emit('close');
  });
});
