/**
 * Done-when tests with real processes: real @sentry/node 11, the built sdk-hooks and the built sidecar
 * CLI. Every test has its own state file and free ports (other people run tests on this machine), and
 * every process started is killed at the end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSidecar } from './health.ts';
import {
  APPS_DIR,
  childEnv,
  ensureBuilt,
  errorValues,
  killAll,
  logBodies,
  readStream,
  runNode,
  sidecarPids,
  spans,
  startNode,
  tempDir,
  waitFor,
  waitForExit,
} from './test/processes.ts';
import { freePort } from './test/servers.ts';

const SCRIPT = join(APPS_DIR, 'script.mjs');
const SERVICE = join(APPS_DIR, 'service.mjs');
const INSTRUMENT = join(APPS_DIR, 'instrument.mjs');
const stateFiles: string[] = [];

function stateFileIn(dir: string, name = 'sidecar.json'): string {
  const path = join(dir, name);
  stateFiles.push(path);
  return path;
}

interface ScriptReport {
  enabled: boolean;
  reason: string;
  url?: string;
  stats: { sent: number; dropped: number; rejected: number; queued: number };
  env: string | null;
}

function report(stdout: string): ScriptReport {
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no report in: ${stdout}`);
  return JSON.parse(line) as ScriptReport;
}

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => killAll(stateFiles));

describe('lazy sidecar, real processes', { timeout: 120_000 }, () => {
  it('a script with no DSN and init() gets its error, spans and logs into a sidecar it started; the sidecar exits when idle', async () => {
    const dir = tempDir();
    const stateFile = stateFileIn(dir);
    const port = await freePort();
    const env = childEnv({ SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, SPOTLIGHT_IDLE_EXIT: '3', TEST_TAG: 'solo' });
    expect(sidecarPids(stateFile)).toEqual([]);

    const run = await runNode([SCRIPT], env, 60_000);
    expect(run.code, run.stderr).toBe(0);
    const r = report(run.stdout);
    expect(r).toEqual({
      enabled: true,
      reason: 'development',
      url: `http://localhost:${port}`,
      stats: { sent: 3, dropped: 0, rejected: 0, queued: 0 },
      env: `http://localhost:${port}/stream`,
    });

    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string; pid: number };
    expect(state.url).toMatch(new RegExp(`:${port}$`));
    expect(sidecarPids(stateFile)).toEqual([state.pid]);
    expect(await probeSidecar(r.url ?? '')).toEqual({ kind: 'spotlight', pid: state.pid });

    const envelopes = await readStream(
      r.url ?? '',
      (e) => errorValues(e).length > 0 && spans(e).length >= 2 && logBodies(e).length > 0,
      20_000,
    );
    expect(errorValues(envelopes)).toEqual(['error from solo']);
    expect(logBodies(envelopes)).toEqual(['log from solo']);
    expect(
      spans(envelopes)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['script solo', 'step solo']);

    // No sender, and the viewer above has left: the sidecar stops after its idle period and cleans up.
    expect(await waitForExit(state.pid, 30_000)).toBe(true);
    expect(existsSync(stateFile)).toBe(false);
  });

  it('five processes started at once share exactly one sidecar, and none of their events is lost', async () => {
    const dir = tempDir();
    const stateFile = stateFileIn(dir);
    const port = await freePort();
    const tags = ['p0', 'p1', 'p2', 'p3', 'p4'];
    const runs = await Promise.all(
      tags.map((tag) =>
        runNode(
          [SCRIPT],
          childEnv({ SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, SPOTLIGHT_IDLE_EXIT: '60', TEST_TAG: tag }),
          90_000,
        ),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const reports = runs.map((run) => report(run.stdout));
    expect(new Set(reports.map((r) => r.url))).toEqual(new Set([`http://localhost:${port}`]));
    for (const r of reports) expect(r.stats).toEqual({ sent: 3, dropped: 0, rejected: 0, queued: 0 });

    const pids = sidecarPids(stateFile);
    expect(pids).toHaveLength(1);
    const health = await probeSidecar(`http://localhost:${port}`);
    expect(health).toEqual({ kind: 'spotlight', pid: pids[0] });

    const envelopes = await readStream(`http://localhost:${port}`, (e) => errorValues(e).length >= 5 && logBodies(e).length >= 5, 20_000);
    expect(errorValues(envelopes).sort()).toEqual(tags.map((t) => `error from ${t}`));
    expect(logBodies(envelopes).sort()).toEqual(tags.map((t) => `log from ${t}`));
    expect(
      spans(envelopes)
        .map((s) => s.name)
        .filter((n) => n.startsWith('script'))
        .sort(),
    ).toEqual(tags.map((t) => `script ${t}`));
  });

  it('two Express services, one calling the other, report to one sidecar and their spans form one trace', async () => {
    const dir = tempDir();
    const stateA = stateFileIn(dir, 'a.json');
    // B is configured to look elsewhere (its own port and state file): it only finds A's sidecar
    // through the baggage of A's request.
    const stateB = stateFileIn(dir, 'b.json');
    const portA = await freePort();
    const portB = await freePort();
    const b = startNode(
      ['--import', INSTRUMENT, SERVICE],
      childEnv({ SERVICE_NAME: 'b', SPOTLIGHT_PORT: String(portB), SPOTLIGHT_STATE_FILE: stateB, SPOTLIGHT_IDLE_EXIT: '60' }),
    );
    const bPort = (await b.ready).port as number;
    const a = startNode(
      ['--import', INSTRUMENT, SERVICE],
      childEnv({
        SERVICE_NAME: 'a',
        DOWNSTREAM_URL: `http://127.0.0.1:${bPort}`,
        SPOTLIGHT_PORT: String(portA),
        SPOTLIGHT_STATE_FILE: stateA,
        SPOTLIGHT_IDLE_EXIT: '60',
      }),
    );
    const aPort = (await a.ready).port as number;

    expect(await (await fetch(`http://127.0.0.1:${aPort}/hop`)).text()).toBe('a > b > b done');
    await fetch(`http://127.0.0.1:${aPort}/flush`);
    await fetch(`http://127.0.0.1:${bPort}/flush`);

    const isServer = (port: number) => (s: ReturnType<typeof spans>[number]) =>
      s.op === 'http.server' && String(s.attributes['url.full']?.value ?? '').includes(`:${port}/hop`);
    const envelopes = await readStream(
      `http://localhost:${portA}`,
      (e) => spans(e).some(isServer(aPort)) && spans(e).some(isServer(bPort)) && errorValues(e).length >= 2,
      30_000,
    );
    const all = spans(envelopes);
    const serverA = all.find(isServer(aPort));
    const serverB = all.find(isServer(bPort));
    expect(serverA?.op, a.output()).toBe('http.server');
    expect(serverB?.op, b.output()).toBe('http.server');
    expect(serverB?.traceId).toBe(serverA?.traceId);
    // B's request span is a child of A's outgoing request span, which descends from A's request span.
    const byId = new Map(all.map((s) => [s.spanId, s]));
    const client = byId.get(serverB?.parentSpanId ?? '');
    expect(client?.op).toBe('http.client');
    expect(String(client?.attributes['url.full']?.value)).toBe(`http://127.0.0.1:${bPort}/hop`);
    const ancestors: string[] = [];
    for (let s = client; s?.parentSpanId; s = byId.get(s.parentSpanId)) ancestors.push(s.parentSpanId);
    expect(ancestors).toContain(serverA?.spanId);
    expect(errorValues(envelopes).sort()).toEqual(['error in a', 'error in b']);

    // One sidecar, on A's port; nothing on the port B was configured with.
    expect([...sidecarPids(stateA), ...sidecarPids(stateB)]).toHaveLength(1);
    expect(await probeSidecar(`http://localhost:${portB}`)).toMatchObject({ kind: 'down' });
  });

  it('a running service brings a sidecar back at the next event after the one it started exited on idle', async () => {
    const dir = tempDir();
    const stateFile = stateFileIn(dir);
    const port = await freePort();
    const service = startNode(
      ['--import', INSTRUMENT, SERVICE],
      childEnv({ SERVICE_NAME: 'svc', SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, SPOTLIGHT_IDLE_EXIT: '2' }),
    );
    const servicePort = (await service.ready).port as number;
    const event = async (tag: string) => {
      await fetch(`http://127.0.0.1:${servicePort}/hop?tag=${tag}`);
      await fetch(`http://127.0.0.1:${servicePort}/flush`);
    };

    await event('before');
    const [first] = sidecarPids(stateFile);
    expect(first, service.output()).toBeDefined();
    const before = await readStream(`http://localhost:${port}`, (e) => errorValues(e).length > 0, 20_000);
    expect(errorValues(before)).toEqual(['error in svc (before)']);
    // Nobody sends, nobody watches: it exits.
    expect(await waitForExit(first ?? 0, 30_000)).toBe(true);
    expect(await probeSidecar(`http://localhost:${port}`)).toMatchObject({ kind: 'down' });

    await event('after');
    const [second] = sidecarPids(stateFile);
    expect(second, service.output()).toBeDefined();
    expect(second).not.toBe(first);
    const after = await readStream(`http://localhost:${port}`, (e) => errorValues(e).length > 0, 20_000);
    expect(errorValues(after)).toEqual(['error in svc (after)']);
  });

  it('when another program holds the port, starts the sidecar on a free port and publishes it', async () => {
    const dir = tempDir();
    const stateFile = stateFileIn(dir);
    const squatter = createHttpServer((_req, res) => {
      res.writeHead(404);
      res.end('not here');
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const run = await runNode(
        [SCRIPT],
        childEnv({ SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, SPOTLIGHT_IDLE_EXIT: '60', TEST_TAG: 'moved' }),
        60_000,
      );
      expect(run.code, run.stderr).toBe(0);
      const r = report(run.stdout);
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string; port: number; pid: number };
      expect(state.port).not.toBe(port);
      expect(r.url).toBe(state.url);
      expect(r.stats).toEqual({ sent: 3, dropped: 0, rejected: 0, queued: 0 });
      const envelopes = await readStream(state.url, (e) => errorValues(e).length > 0, 20_000);
      expect(errorValues(envelopes)).toEqual(['error from moved']);
      // The next process finds it through the state file.
      const second = await runNode(
        [SCRIPT],
        childEnv({ SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, TEST_TAG: 'second' }),
        60_000,
      );
      expect(report(second.stdout).url).toBe(state.url);
      expect(sidecarPids(stateFile)).toEqual([state.pid]);
    } finally {
      squatter.close();
    }
  });

  it('with no sidecar to be had, the app carries on: envelopes dropped and counted, one warning', async () => {
    const dir = tempDir();
    const stateFile = stateFileIn(dir);
    const port = await freePort();
    // In CI nothing is started, and nothing runs on the port.
    const run = await runNode(
      [SCRIPT],
      childEnv({ CI: 'true', SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, TEST_TAG: 'alone' }),
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(report(run.stdout)).toMatchObject({ enabled: true, stats: { sent: 0, dropped: 3, rejected: 0, queued: 0 } });
    expect(run.stderr.trim().split('\n')).toEqual([
      `[spotlight] no Spotlight sidecar reachable (no sidecar answers on port ${port} and starting one is off); dropping envelopes while it is down`,
    ]);
    expect(sidecarPids(stateFile)).toEqual([]);
  });

  it('NODE_ENV=production: no process spawned, no connection attempted', async () => {
    const dir = tempDir();
    const stateFile = stateFileIn(dir);
    let connections = 0;
    // Something listens where the sidecar would be looked for, to see any attempt.
    const listener: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      const run = await runNode(
        [SCRIPT],
        childEnv({ NODE_ENV: 'production', SPOTLIGHT_PORT: String(port), SPOTLIGHT_STATE_FILE: stateFile, TEST_TAG: 'prod' }),
        60_000,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(report(run.stdout)).toEqual({
        enabled: false,
        reason: 'production (NODE_ENV=production)',
        stats: { sent: 0, dropped: 0, rejected: 0, queued: 0 },
        env: null,
      });
      expect(run.stderr).toBe('');
      expect(connections).toBe(0);
      expect(sidecarPids(stateFile)).toEqual([]);
      expect(await waitFor(() => existsSync(stateFile) || existsSync(`${stateFile}.lock`), 500)).toBe(false);
    } finally {
      listener.close();
    }
  });
});
