import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWireEnvelope } from '@spotlight/envelope';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, killAll, preload, reportAtListening, runCli } from './test/cli.ts';
import { fixture } from './test/payloads.ts';
import { sidecarStarter } from './test/server.ts';
import { SseClient } from './test/sse.ts';
import { V8_FLAGS } from './v8Tuning.ts';

let cli = '';
let remove = () => {};
beforeAll(async () => {
  ({ cli, remove } = await buildCli());
}, 60_000);
afterAll(() => remove());
afterEach(() => killAll());

const start = sidecarStarter();
const LISTENING = /listening on (http:\/\/[^\s]+:(\d+))/;

describe('spotlight CLI', () => {
  it('serves on the chosen free port, writes the state file, and stops on SIGTERM with a viewer connected', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'spotlight-state-')), 'sidecar.json');
    const run = runCli(cli, ['--port', '0', '--state-file', stateFile]);
    const [, url, port] = await run.waitForStderr(LISTENING);
    expect(url).toBe(`http://localhost:${port}`);
    expect(run.stderr()).toMatch(
      /^\[spotlight\] Spotlight sidecar 0\.1\.0 listening on http:\/\/localhost:\d+ \(127\.0\.0\.1( and ::1)?\)/,
    );
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(state).toEqual({ url, port: Number(port), pid: run.child.pid, startedAt: expect.any(String) });
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health).toMatchObject({ name: 'spotlight', port: Number(port), pid: run.child.pid });

    const viewer = await SseClient.open(`http://127.0.0.1:${port}/stream`);
    await fetch(`http://127.0.0.1:${port}/stream`, { method: 'POST', body: new Uint8Array(fixture('sentry-node-11.12/event.envelope')) });
    await viewer.waitForEvents(1);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await viewer.waitFor(() => viewer.ended, 'the stream to end');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('serves every route without Express, which it never loads', async () => {
    // A resolver that makes `express` impossible to load: had the CLI required it, it would fail.
    const blockExpress = `const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'express') throw new Error('express is not loadable in this test');
        return resolve.call(this, request, ...rest);
      };`;
    const run = runCli(cli, ['--port', '0'], preload(blockExpress));
    const [, , port] = await run.waitForStderr(LISTENING);
    const base = `http://127.0.0.1:${port}`;
    const stored = await fetch(`${base}/stream`, { method: 'POST', body: new Uint8Array(fixture('sentry-node-11.12/event.envelope')) });
    expect(stored.status).toBe(200);
    const dsn = await fetch(`${base}/api/0/envelope/`, {
      method: 'POST',
      body: new Uint8Array(fixture('sentry-node-11.12/event.envelope')),
    });
    expect(dsn.status).toBe(200);
    const health = await fetch(`${base}/health`);
    expect(health.headers.get('x-powered-by')).toBe('spotlight-by-sentry');
    expect(await health.json()).toMatchObject({ name: 'spotlight', port: Number(port), pid: run.child.pid, envelopes: 2 });
    const { id } = (await stored.json()) as { id: string };
    expect((await fetch(`${base}/envelope/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect(await (await fetch(`${base}/clear`, { method: 'DELETE' })).json()).toEqual({ cleared: 2 });
    expect(run.stderr()).not.toContain('express is not loadable');
  });

  it('runs as CommonJS: Node has not set up its ES module loader when the sidecar starts listening', async () => {
    // That loader costs a cold start about 15 ms on Node 20, on the path of an app's first event.
    // (Express sets it up later, at the first quiet moment: one of its dependencies is an ES module.)
    const report = `return process.moduleLoadList.some((name) => name.includes('internal/modules/esm/loader')) ? 'set up' : 'not set up';`;
    const run = runCli(cli, ['--port', '0'], reportAtListening('esm loader at listen', report));
    await run.waitForStderr(LISTENING);
    expect(run.stderr()).toMatch(/^esm loader at listen: not set up\n/);
  });

  it('has loaded three files of its own, and not node:v8, when it starts listening', async () => {
    // Every module file costs a resolve and a read: on the benchmark's machine, the five files loaded
    // before the start-up chunk was one took a cold start 5 to 15 ms longer than two. The third holds
    // Rolldown's helpers for router, which is bundled into the start-up chunk (see vite.config.ts).
    const report = `const dir = require('node:path').dirname(process.argv[1]);
      const ours = Object.keys(require.cache).filter((file) => file.startsWith(dir)).map((file) => file.slice(dir.length + 1));
      return JSON.stringify(ours.sort()) + (process.moduleLoadList.includes('NativeModule v8') ? ' and node:v8' : '');`;
    const run = runCli(cli, ['--port', '0'], reportAtListening('loaded at listen', report));
    await run.waitForStderr(LISTENING);
    expect(run.stderr()).toMatch(/^loaded at listen: \["chunks\/rolldown-runtime-[\w-]+\.cjs","chunks\/server-[\w-]+\.cjs","cli\.cjs"\]\n/);
  });

  it('tunes V8 for its workload once listening (v8Tuning.ts; the effect is measured in bench/README.md)', async () => {
    const recordFlags = `const v8 = require('node:v8');
      const set = v8.setFlagsFromString;
      v8.setFlagsFromString = (flag) => {
        process.stderr.write('v8 flag ' + flag + '\\n');
        return set(flag);
      };
      const net = require('node:net');
      const emit = net.Server.prototype.emit;
      net.Server.prototype.emit = function (event, ...args) {
        if (event === 'listening') process.stderr.write('listening\\n');
        return emit.call(this, event, ...args);
      };`;
    const run = runCli(cli, ['--port', '0'], preload(recordFlags));
    await run.waitForStderr(LISTENING);
    const flags = [...run.stderr().matchAll(/^v8 flag (.*)$/gm)].map((match) => match[1]);
    expect(flags).toEqual(V8_FLAGS);
    // Set once the sidecar listens: as Node options they would cost a cold start 25 to 50 ms.
    expect(run.stderr().indexOf('v8 flag')).toBeGreaterThan(run.stderr().indexOf('listening\n'));
  });

  it('loads neither the MCP SDK, zod nor any command before it listens; the SDK only once /mcp is asked', async () => {
    // `spotlight mcp`, `tail` and the rest live in chunks of their own (the test above counts the files);
    // the MCP SDK takes hundreds of milliseconds to load, and the plain sidecar's cold start is benchmarked.
    const report = `const names = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](@modelcontextprotocol|zod)[\\\\/]/.test(file));
      return names.length + ' files of the MCP SDK and zod';`;
    const run = runCli(cli, ['--port', '0'], reportAtListening('loaded at listen', report));
    const [, , port] = await run.waitForStderr(LISTENING);
    expect(run.stderr()).toMatch(/^loaded at listen: 0 files of the MCP SDK and zod\n/);
    const answer = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cli.test', version: '1' } },
      }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id: 1, result: { serverInfo: { name: 'spotlight', version: '0.1.0' } } });
  });

  it('loads the OTLP decoder with the first OTLP export, not at start nor with Express', async () => {
    // Says on stderr when a module holding the OTLP decoder (ours, or the wire reader it reads with) is
    // compiled, and when each request comes. The bundle marks each module it holds with its path.
    const watch = preload(`const Module = require('node:module');
      const compile = Module.prototype._compile;
      Module.prototype._compile = function (content, filename) {
        if (content.includes('// src/otlp/decode.ts') || content.includes('@bufbuild/protobuf/dist/esm/wire/binary-encoding.js')) process.stderr.write('[watch] OTLP decoder loaded\\n');
        return compile.call(this, content, filename);
      };
      const http = require('node:http');
      const emit = http.Server.prototype.emit;
      http.Server.prototype.emit = function (event, req, ...rest) {
        if (event === 'request') process.stderr.write('[watch] request ' + req.method + ' ' + req.url + ' ' + (req.headers['content-type'] || '') + '\\n');
        return emit.call(this, event, req, ...rest);
      };`);
    const run = runCli(cli, ['--port', '0'], watch);
    const [, , port] = await run.waitForStderr(LISTENING);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
    const event = new Uint8Array(fixture('sentry-node-11.12/event.envelope'));
    expect((await fetch(`${base}/stream`, { method: 'POST', body: event })).status).toBe(200);
    const refused = await fetch(`${base}/v1/traces`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } });
    expect(refused.status).toBe(415);
    expect(run.stderr()).not.toContain('OTLP decoder loaded');
    // An empty ExportTraceServiceRequest is zero bytes of protobuf.
    const exported = await fetch(`${base}/v1/traces`, {
      method: 'POST',
      body: new Uint8Array(0),
      headers: { 'Content-Type': 'application/x-protobuf' },
    });
    expect(exported.status).toBe(200);
    const lines = run.stderr().split('\n');
    const loadedAt = lines.indexOf('[watch] OTLP decoder loaded');
    expect(loadedAt).toBeGreaterThan(lines.indexOf('[watch] request POST /v1/traces application/x-protobuf'));
    expect(lines.indexOf('[watch] request POST /v1/traces application/x-protobuf')).toBeGreaterThan(0);
  });

  it('stops on SIGINT', async () => {
    const run = runCli(cli, ['-p', '0']);
    await run.waitForStderr(LISTENING);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('says so and exits 0 when a Spotlight sidecar already runs on the port', async () => {
    const first = runCli(cli, ['--port', '0']);
    const [, , port] = await first.waitForStderr(LISTENING);
    const second = runCli(cli, ['--port', String(port)]);
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toBe(
      `[spotlight] Spotlight is already running at http://localhost:${port} (pid ${first.child.pid}); nothing to do\n`,
    );
  });

  it('fails with a clear error and exit 1 when another program holds the port', async () => {
    const other = http.createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const run = runCli(cli, ['--port', String(port)]);
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toBe(
        `[spotlight] error: port ${port} on 127.0.0.1 is used by another program (it answered HTTP 404 to GET /health); pick another with --port\n`,
      );
    } finally {
      other.close();
    }
  });

  it('exits by itself after --idle-exit without envelopes and viewers, removing its state file', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'spotlight-state-')), 'sidecar.json');
    const run = runCli(cli, ['--port', '0', '--idle-exit', '0.3', '--state-file', stateFile]);
    await run.waitForStderr(LISTENING);
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('no envelope and no viewer for 0.3 s: stopping (--idle-exit)');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('does not exit while a viewer is connected, even with --idle-exit', async () => {
    const run = runCli(cli, ['--port', '0', '--idle-exit', '0.2', '--heartbeat', '0.05']);
    const [, , port] = await run.waitForStderr(LISTENING);
    const viewer = await SseClient.open(`http://127.0.0.1:${port}/stream`);
    // Several heartbeats (well past the idle time) arrive while the process stays up.
    await viewer.waitFor(() => viewer.comments.length >= 8, '8 heartbeats');
    expect(run.child.exitCode).toBe(null);
    viewer.close();
    expect(await run.exited).toBe(0);
  });

  it('prints help, version, and refuses bad flags with exit 2', async () => {
    const help = runCli(cli, ['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('Usage: spotlight [options]');
    expect(help.stdout()).toContain('--max-decompressed-bytes <size>');
    const version = runCli(cli, ['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout()).toBe('0.1.0\n');
    const bad = runCli(cli, ['--port', 'eighty']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('spotlight: --port: expected a port number from 0 to 65535, got "eighty"\n');
    const env = runCli(cli, [], { SPOTLIGHT_MAX_ITEMS: '-3' });
    expect(await env.exited).toBe(2);
    expect(env.stderr()).toBe('spotlight: SPOTLIGHT_MAX_ITEMS: expected a whole number above 0, got "-3"\n');
  });

  it('forwards every envelope to --forward DSNs', async () => {
    const upstream = await start();
    const upstreamViewer = await SseClient.open(`${upstream.url}/stream`);
    const run = runCli(cli, ['--port', '0', '--forward', `http://publickey@127.0.0.1:${upstream.port}/42`]);
    const [, , port] = await run.waitForStderr(LISTENING);
    expect(run.stderr()).toContain(`forwarding every envelope to http://127.0.0.1:${upstream.port}/api/42/envelope/`);
    const event = fixture('sentry-node-11.12/event.envelope');
    expect((await fetch(`http://127.0.0.1:${port}/stream`, { method: 'POST', body: new Uint8Array(event) })).status).toBe(200);
    await upstreamViewer.waitForEvents(1);
    const [header, items] = decodeWireEnvelope(upstreamViewer.events[0]?.data ?? '');
    expect(header.event_id).toBe('c338dc2e74ec4fa8b7fa2c44d7ed9f2d');
    expect(items.map(([h]) => h.type)).toEqual(['event']);
    upstreamViewer.close();
  });

  it('refuses a --forward DSN that points at the sidecar itself', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = runCli(cli, ['--port', String(port), '--forward', `http://publickey@localhost:${port}/0`]);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(
      `[spotlight] error: --forward http://localhost:${port}/api/0/envelope/ is this sidecar: it would send every envelope back to itself\n`,
    );
  });

  it('keeps --forward-sample-rate of the traces in the forwarded copy, and every error', async () => {
    const upstream = await start();
    const upstreamViewer = await SseClient.open(`${upstream.url}/stream`);
    const dsn = `http://publickey@127.0.0.1:${upstream.port}/42`;
    const run = runCli(cli, ['--port', '0', '--forward', dsn, '--forward-sample-rate', '0']);
    const [, , port] = await run.waitForStderr(LISTENING);
    expect(run.stderr()).toContain(`forwarding every envelope to http://127.0.0.1:${upstream.port}/api/42/envelope/ (0 % of traces)`);
    for (const name of ['sentry-node-10.78/transaction.envelope', 'sentry-node-11.12/event.envelope']) {
      const answer = await fetch(`http://127.0.0.1:${port}/stream`, { method: 'POST', body: new Uint8Array(fixture(name)) });
      expect(answer.status, name).toBe(200);
    }
    await upstreamViewer.waitForEvents(1);
    // Stopping waits for what is in flight: whatever was forwarded has arrived by the time it exits.
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(upstream.store.size).toBe(1);
    const [, items] = decodeWireEnvelope(upstreamViewer.events[0]?.data ?? '');
    expect(items.map(([h]) => h.type)).toEqual(['event']);
    upstreamViewer.close();
  });
});
