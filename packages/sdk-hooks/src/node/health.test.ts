import { afterEach, describe, expect, it } from 'vitest';
import { probeSidecar } from './health.ts';
import { fakeSidecar, freePort, startServer, type TestServer } from './test/servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('probeSidecar', () => {
  it('recognizes Spotlight by its /health answer', async () => {
    const s = await fakeSidecar();
    servers.push(s);
    expect(await probeSidecar(s.url)).toEqual({ kind: 'spotlight', pid: process.pid });
  });

  it('tells another program on the port from no program at all', async () => {
    const other = await startServer((_req, res) => {
      res.writeHead(404);
      res.end('Cannot GET /health');
    });
    servers.push(other);
    expect(await probeSidecar(other.url)).toEqual({ kind: 'other', status: 404 });
    const port = await freePort();
    expect(await probeSidecar(`http://127.0.0.1:${port}`)).toMatchObject({ kind: 'down' });
  });

  it('counts a server that does not answer in time as down', async () => {
    const silent = await startServer(() => {});
    servers.push(silent);
    expect(await probeSidecar(silent.url, 50)).toMatchObject({ kind: 'down' });
  });
});
