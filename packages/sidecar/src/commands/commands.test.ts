import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { decodeWireEnvelope, readSessionFile } from '@spotlight/envelope';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type CliRun, killAll, runCli } from '../test/cli.ts';
import { call, GET_TRACES, LIST_ISSUES, MCP_FIXTURES } from '../test/mcpExpected.ts';
import { fixture } from '../test/payloads.ts';
import { rawRequest } from '../test/rawRequest.ts';
import { sidecarStarter, type TestSidecar } from '../test/server.ts';
import { SseClient } from '../test/sse.ts';

// Each command as a user runs it: the built CLI in its own process, against a real sidecar.

let cli = '';
let remove = () => {};
beforeAll(async () => {
  ({ cli, remove } = await buildCli());
}, 60_000);
afterAll(() => remove());
afterEach(() => killAll());

const start = sidecarStarter();
const RUN_APP = fileURLToPath(new URL('../test/runApp.mjs', import.meta.url));
/** Every variable `run` sets to the stream URL, sorted. */
const PREFIXED = [
  'GATSBY_SENTRY_SPOTLIGHT',
  'NEXT_PUBLIC_SENTRY_SPOTLIGHT',
  'NUXT_PUBLIC_SENTRY_SPOTLIGHT',
  'PUBLIC_SENTRY_SPOTLIGHT',
  'REACT_APP_SENTRY_SPOTLIGHT',
  'SENTRY_SPOTLIGHT',
  'VITE_SENTRY_SPOTLIGHT',
  'VUE_APP_SENTRY_SPOTLIGHT',
];

/** No sidecar of the user's (state file, SENTRY_SPOTLIGHT, port 8969) can leak into a test. */
function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'spotlight-cache-')), SENTRY_SPOTLIGHT: '', TZ: 'UTC', NO_COLOR: '1', ...extra };
}

async function loaded(names: readonly string[] = MCP_FIXTURES): Promise<TestSidecar> {
  const sidecar = await start();
  for (const name of names) expect((await sidecar.post('/stream', fixture(name))).status).toBe(200);
  return sidecar;
}

function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

async function tailLines(run: CliRun, count: number): Promise<string[]> {
  await waitFor(
    () => run.stdout().split('\n').length > count,
    `${count} lines; got ${JSON.stringify(run.stdout())}, stderr ${run.stderr()}`,
  );
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  return run.stdout().trimEnd().split('\n');
}

describe('spotlight tail', () => {
  const args = (sidecar: TestSidecar, format: string) => ['tail', '--url', sidecar.url, '--format', format];

  it('prints errors grouped by issue, trace segments and logs in the human format', async () => {
    const sidecar = await loaded();
    const lines = await tailLines(runCli(cli, [...args(sidecar, 'human'), '--no-color'], isolatedEnv()), 7);
    expect(lines).toEqual([
      '10:35:18.335 ERROR node · api@1.0.0  Error: item 42 not found  fixtures/capture/api.mjs:11',
      '10:35:18.297 SPAN  node · api@1.0.0  GET /api/items  20 ms · 3 spans · trace 745dcfcc',
      '10:35:18.328 SPAN  node · api@1.0.0  GET /api/fail  26 ms · 2 spans · trace 745dcfcc',
      '10:35:18.257 SPAN  node · web@2.0.0  GET /dashboard  98 ms · 3 spans · trace 745dcfcc',
      '10:35:18.312 INFO  node · api@1.0.0  loaded 3 items for dashboard',
      '08:47:09.820 ERROR node · probe@1.0.0  Error: probe error (url)  src/probe.mjs:58',
      '08:47:18.782 ERROR node · probe@1.0.0  Error: probe error (url) (×2)',
    ]);
  });

  it('colours the human format when asked', async () => {
    const sidecar = await loaded(['sentry-node-11.12/log.envelope']);
    const [line] = await tailLines(runCli(cli, [...args(sidecar, 'human'), '--color', 'logs'], isolatedEnv()), 1);
    expect(line).toBe('\x1b[2m08:47:09.845\x1b[0m \x1b[36mINFO \x1b[0m \x1b[35mnode · probe@1.0.0\x1b[0m  probe log line (url)');
  });

  it('prints logfmt, json and md with the same fields', async () => {
    const sidecar = await loaded(['sentry-node-11.12/express-api-event.envelope', 'sentry-node-11.12/express-api-log.envelope']);
    const logfmt = await tailLines(runCli(cli, args(sidecar, 'logfmt'), isolatedEnv()), 2);
    const ids = sidecar.store;
    const first = ids.at(ids.startSeq)?.id;
    const second = ids.at(ids.startSeq + 1)?.id;
    expect(logfmt).toEqual([
      `time=2026-11-24T10:35:18.335Z type=error level=error service="node · api@1.0.0" message="Error: item 42 not found" issue_id=05bf3df78f554e count=1 event_id=07ec876f3aee4878a263586e3f4fee08 location=fixtures/capture/api.mjs:11 culprit=fixtures/capture/api.mjs trace_id=745dcfcc57a74120a3e803ba744eb5f8 envelope_id=${first}`,
      `time=2026-11-24T10:35:18.312Z type=log level=info service="node · api@1.0.0" message="loaded 3 items for dashboard" template="loaded %s items for %s" attr.route=/api/items trace_id=745dcfcc57a74120a3e803ba744eb5f8 envelope_id=${second}`,
    ]);
    const json = await tailLines(runCli(cli, args(sidecar, 'json'), isolatedEnv()), 2);
    expect(json.map((line) => JSON.parse(line))).toEqual([
      {
        time: '2026-11-24T10:35:18.335Z',
        type: 'error',
        level: 'error',
        service: 'node · api@1.0.0',
        message: 'Error: item 42 not found',
        issue_id: '05bf3df78f554e',
        count: 1,
        event_id: '07ec876f3aee4878a263586e3f4fee08',
        location: 'fixtures/capture/api.mjs:11',
        culprit: 'fixtures/capture/api.mjs',
        trace_id: '745dcfcc57a74120a3e803ba744eb5f8',
        envelope_id: first,
      },
      {
        time: '2026-11-24T10:35:18.312Z',
        type: 'log',
        level: 'info',
        service: 'node · api@1.0.0',
        message: 'loaded 3 items for dashboard',
        template: 'loaded %s items for %s',
        attributes: { route: '/api/items' },
        trace_id: '745dcfcc57a74120a3e803ba744eb5f8',
        envelope_id: second,
      },
    ]);
    const md = await tailLines(runCli(cli, args(sidecar, 'md'), isolatedEnv()), 2);
    expect(md).toEqual([
      '- **ERROR** 2026-11-24T10:35:18.335Z `node · api@1.0.0` Error: item 42 not found at `fixtures/capture/api.mjs:11` (issue `05bf3df78f554e`, event `07ec876f3aee4878a263586e3f4fee08`)',
      '- **INFO** 2026-11-24T10:35:18.312Z `node · api@1.0.0` loaded 3 items for dashboard (trace `745dcfcc`)',
    ]);
  });

  it('follows live with --no-replay, keeps to the kinds named, and exits 1 with one line when the sidecar goes away', async () => {
    const sidecarRun = runCli(cli, ['--port', '0'], isolatedEnv());
    const [, url] = await sidecarRun.waitForStderr(/listening on (http:\/\/\S+)/);
    await fetch(`${url}/stream`, { method: 'POST', body: new Uint8Array(fixture('sentry-node-11.12/event.envelope')) });
    const tail = runCli(cli, ['tail', 'errors', '--url', url as string, '--no-replay', '-f', 'md'], isolatedEnv());
    const viewers = async () => ((await (await fetch(`${url}/health`)).json()) as { viewers: number }).viewers;
    let connected = 0;
    await waitFor(() => {
      void viewers().then((count) => {
        connected = count;
      });
      return connected === 1;
    }, 'the tail to connect');
    await fetch(`${url}/stream`, { method: 'POST', body: new Uint8Array(fixture('sentry-node-11.12/log.envelope')) });
    await fetch(`${url}/stream`, { method: 'POST', body: new Uint8Array(fixture('sentry-node-10.78/event.envelope')) });
    await waitFor(() => tail.stdout().includes('\n'), 'the live error');
    expect(tail.stdout()).toBe(
      '- **ERROR** 2026-11-24T08:47:18.782Z `node · probe@1.0.0` Error: probe error (url) at `src/probe.mjs:58` (issue `1a651d98c1b5bd`, event `aa7367717ea3471d8174a7a17c80170d`)\n',
    );
    sidecarRun.child.kill('SIGTERM');
    expect(await tail.exited).toBe(1);
    expect(tail.stderr()).toBe(`spotlight tail: the sidecar at ${url} went away\n`);
  });

  it('keeps to what arrived in the last --since', async () => {
    const sidecar = await loaded(['sentry-node-11.12/event.envelope']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sidecar.post('/stream', fixture('sentry-node-11.12/log.envelope'));
    const lines = await tailLines(runCli(cli, ['tail', '--url', sidecar.url, '--since', '1s', '-f', 'md'], isolatedEnv()), 1);
    expect(lines).toEqual(['- **INFO** 2026-11-24T08:47:09.845Z `node · probe@1.0.0` probe log line (url) (trace `d953b6aa`)']);
  });

  it('refuses an unknown kind or format with exit 2', async () => {
    const run = runCli(cli, ['tail', 'metrics'], isolatedEnv());
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe('spotlight tail: unknown kind "metrics": use errors, logs, traces or all\n');
    const format = runCli(cli, ['tail', '--format', 'xml'], isolatedEnv());
    expect(await format.exited).toBe(2);
    expect(format.stderr()).toBe('spotlight tail: --format: expected one of human, logfmt, json, md, got "xml"\n');
  });
});

describe('spotlight mcp (stdio)', () => {
  it('answers the MCP tools over stdio, through the sidecar it finds', async () => {
    const sidecar = await loaded();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp', '--url', sidecar.url],
      env: { ...(process.env as Record<string, string>), ...isolatedEnv() },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'spotlight-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools).toHaveLength(10);
      expect((await call(client, 'list_issues')).text).toBe(LIST_ISSUES);
      expect((await call(client, 'get_traces', { traceId: '745dcfcc57a74120a3e803ba744eb5f8' })).text).toBe(GET_TRACES);
    } finally {
      await client.close();
    }
  });

  it('starts a sidecar for as long as it runs when none answers', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp', '--port', '0'],
      env: { ...(process.env as Record<string, string>), ...isolatedEnv() },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: 'spotlight-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await call(client, 'search_errors')).text).toMatch(/^No errors held by Spotlight\. Spotlight holds 0 envelopes\./);
      const [, url] = /started a sidecar at (http:\/\/\S+);/.exec(stderr) ?? [];
      expect(url).toBeDefined();
      expect(
        (await fetch(`${url}/stream`, { method: 'POST', body: new Uint8Array(fixture('sentry-node-11.12/event.envelope')) })).status,
      ).toBe(200);
      expect((await call(client, 'list_issues')).text.split('\n')[0]).toBe('# 1 issue held by Spotlight (most recently seen first)');
    } finally {
      await client.close();
    }
  });
});

describe('spotlight export and import', () => {
  it('round-trips what a sidecar holds byte for byte, through a file', async () => {
    const names = ['sentry-node-11.12/event.envelope', 'sentry-node-11.12/span.envelope', 'sentry-browser-11.12/pageload-event.envelope'];
    const source = await loaded(names);
    const dir = mkdtempSync(join(tmpdir(), 'spotlight-export-'));
    const file = join(dir, 'bug.envelope');
    const exported = runCli(cli, ['export', '--url', source.url, '-o', file], isolatedEnv());
    expect(await exported.exited).toBe(0);
    expect(exported.stderr()).toMatch(
      new RegExp(`^spotlight export: 3 envelopes \\(\\d+ bytes\\) from ${source.url} written to ${file}\\n$`),
    );
    expect(readSessionFile(readFileSync(file)).map((entry) => Buffer.from(entry.bytes))).toEqual(
      names.map((name) => Buffer.from(fixture(name))),
    );

    const target = await start();
    const viewer = await SseClient.open(`${target.url}/stream`);
    const imported = runCli(cli, ['import', '--url', target.url, file], isolatedEnv());
    expect(await imported.exited).toBe(0);
    expect(imported.stderr()).toBe(`spotlight import: 3 envelopes loaded into ${target.url}\n`);
    await viewer.waitForEvents(3);
    for (const [index, id] of viewer.envelopeIds.entries()) {
      const answer = await target.get(`/envelope/${id}`);
      expect(Buffer.from(answer.bytes)).toEqual(Buffer.from(fixture(names[index] as string)));
    }
    expect(decodeWireEnvelope(viewer.events[0]?.data ?? '')[0].event_id).toBe('c338dc2e74ec4fa8b7fa2c44d7ed9f2d');
    viewer.close();

    // Exporting the copy gives the same envelopes again.
    const again = runCli(cli, ['export', '--url', target.url, '-o', join(dir, 'again.envelope')], isolatedEnv());
    expect(await again.exited).toBe(0);
    expect(readSessionFile(readFileSync(join(dir, 'again.envelope'))).map((entry) => Buffer.from(entry.bytes))).toEqual(
      names.map((name) => Buffer.from(fixture(name))),
    );
  });

  it('exports one trace, imports a plain .envelope file, and refuses a file that is not envelopes without importing any', async () => {
    const source = await loaded();
    const trace = runCli(cli, ['export', '--url', source.url, '--trace', '745dcfcc'], isolatedEnv());
    expect(await trace.exited).toBe(0);
    const entries = readSessionFile(Buffer.from(trace.stdout(), 'latin1'));
    expect(entries).toHaveLength(4);
    // The latest session: that trace's four envelopes; the other app's errors came an idle gap earlier.
    const session = runCli(cli, ['export', '--url', source.url, '--session', 'current'], isolatedEnv());
    expect(await session.exited).toBe(0);
    expect(readSessionFile(Buffer.from(session.stdout(), 'latin1')).map((entry) => Buffer.from(entry.bytes))).toEqual(
      entries.map((entry) => Buffer.from(entry.bytes)),
    );

    const target = await start();
    const dir = mkdtempSync(join(tmpdir(), 'spotlight-import-'));
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'not an envelope\n');
    const refused = runCli(
      cli,
      [
        'import',
        '--url',
        target.url,
        join(fileURLToPath(new URL('../../../../fixtures/', import.meta.url)), 'sentry-node-11.12/event.envelope'),
        bad,
      ],
      isolatedEnv(),
    );
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(/^spotlight import: .*notes\.txt is not a file of envelopes: envelope header is not valid JSON/);
    expect(target.store.size).toBe(0);
    const plain = runCli(
      cli,
      [
        'import',
        '--url',
        target.url,
        join(fileURLToPath(new URL('../../../../fixtures/', import.meta.url)), 'sentry-node-11.12/event.envelope'),
      ],
      isolatedEnv(),
    );
    expect(await plain.exited).toBe(0);
    expect(target.store.size).toBe(1);
  });

  it('says so when no sidecar runs to export from', async () => {
    const run = runCli(cli, ['export', '--port', '1'], isolatedEnv());
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe('spotlight export: no Spotlight sidecar is running on port 1; start one with `spotlight`\n');
  });
});

describe('spotlight run', () => {
  it('runs an app with @sentry/node wired in: variables under every prefix, output passed through and recorded as logs, its exit code', async () => {
    const sidecar = await start();
    const run = runCli(cli, ['run', '--url', sidecar.url, '--', process.execPath, RUN_APP], isolatedEnv({ MODE: 'report' }));
    expect(await run.exited).toBe(3);
    const stream = `${sidecar.url}/stream`;
    expect(run.stdout()).toBe(`${PREFIXED.map((name) => `${name}=${stream}\n`).join('')}SENTRY_TRACES_SAMPLE_RATE=1\n`);
    expect(run.stderr()).toBe(
      `spotlight run: Spotlight is at ${sidecar.url}: open it to see errors, traces and logs\nsomething went wrong on stderr\n`,
    );
    const { createStoreView } = await import('../view/envelopes.ts');
    const envelopes = createStoreView(sidecar.store).envelopes();
    const { selectErrorEvents } = await import('sentry-spotlight/data/grouping.ts');
    const { logsOfEnvelope } = await import('sentry-spotlight/data/logs.ts');
    expect(selectErrorEvents(envelopes).map((e) => `${e.title}: ${e.subtitle} (${e.service.label})`)).toEqual([
      'Error: run-app failed (node · run-app@1.0.0)',
    ]);
    const logs = envelopes.flatMap((stored) => logsOfEnvelope(stored));
    const label = `spotlight.run · node ${RUN_APP.split('/').pop()}`;
    expect(logs.map((log) => `${log.level} ${log.service.label}: ${log.message}`)).toEqual([
      ...PREFIXED.map((name) => `info ${label}: ${name}=${stream}`),
      `info ${label}: SENTRY_TRACES_SAMPLE_RATE=1`,
      `error ${label}: something went wrong on stderr`,
    ]);
  });

  it('starts a sidecar on a free port for as long as the command runs when none answers, and prints its URL once', async () => {
    const run = runCli(cli, ['run', '--port', '0', process.execPath, '-e', 'console.log(process.env.SENTRY_SPOTLIGHT)'], isolatedEnv());
    expect(await run.exited).toBe(0);
    const [, url] =
      /^spotlight run: Spotlight is at (http:\/\/localhost:\d+) \(started for this run\): open it to see errors, traces and logs\n$/.exec(
        run.stderr(),
      ) ?? [];
    expect(url).toBeDefined();
    expect(run.stdout()).toBe(`${url}/stream\n`);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('stops recording the output once the app sends the same lines as Sentry logs', async () => {
    const sidecar = await start();
    const run = runCli(cli, ['run', '--url', sidecar.url, '--', process.execPath, RUN_APP], isolatedEnv({ MODE: 'own-logs' }));
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe('the app logs this itself\nprinted after the app was seen logging\n');
    expect(run.stderr()).toContain('spotlight run: the app sends its own logs to Spotlight; no longer recording its output\n');
    const { createStoreView } = await import('../view/envelopes.ts');
    const { logsOfEnvelope } = await import('sentry-spotlight/data/logs.ts');
    const logs = createStoreView(sidecar.store)
      .envelopes()
      .flatMap((stored) => logsOfEnvelope(stored))
      .map((log) => `${log.service.label.split(' · ')[0]}: ${log.message}`);
    // The first line may or may not have been recorded before the app's own copy arrived; what follows is not.
    expect(logs).toContain('node: the app logs this itself');
    expect(logs.filter((log) => log.startsWith('spotlight.run: printed after'))).toEqual([]);
    expect(logs.filter((log) => log.startsWith('spotlight.run:')).length).toBeLessThanOrEqual(1);
  });

  it('passes signals on and exits with what the command exits with', async () => {
    const sidecar = await start();
    const run = runCli(cli, ['run', '--url', sidecar.url, process.execPath, RUN_APP], isolatedEnv({ MODE: 'wait' }));
    await waitFor(() => run.stdout().includes('waiting'), 'the app to start');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(7);
    expect(run.stdout()).toBe('waiting\ngot SIGTERM\n');
  });

  it('runs the dev script of package.json when given no command, saying so', async () => {
    const sidecar = await start();
    const dir = mkdtempSync(join(tmpdir(), 'spotlight-run-app-'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ scripts: { start: 'node -e "process.exit(1)"', dev: 'node -e "process.exit(4)"' } }),
    );
    const run = runCli(cli, ['run', '--url', sidecar.url], isolatedEnv(), dir);
    expect(await run.exited).toBe(4);
    expect(run.stderr()).toContain('spotlight run: running the "dev" script of package.json: npm run dev\n');
  });

  it('starts a sidecar that accepts host.docker.internal for compose projects', async () => {
    const { findOrStartSidecar } = await import('./common.ts');
    const target = await findOrStartSidecar({ port: 0, mayStart: true, allowedHosts: ['host.docker.internal'], env: isolatedEnv() });
    try {
      const port = Number(new URL(target.url).port);
      expect((await rawRequest(port, 'GET', '/health', undefined, { Host: `host.docker.internal:${port}` })).status).toBe(200);
      expect((await rawRequest(port, 'GET', '/health', undefined, { Host: `elsewhere.example:${port}` })).status).toBe(403);
    } finally {
      await target.close();
    }
  });

  it('says so and exits 127 when the command does not exist', async () => {
    const sidecar = await start();
    const run = runCli(cli, ['run', '--url', sidecar.url, 'no-such-command-here'], isolatedEnv());
    expect(await run.exited).toBe(127);
    expect(run.stderr()).toContain('spotlight run: no-such-command-here: command not found\n');
  });
});
