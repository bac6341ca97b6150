import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWireEnvelope, parseEnvelope, utf8Encode } from '@spotlight/envelope';
import { transformWithOxc } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelopeSymbolicator } from './symbolicateEnvelope.ts';
import { sidecarStarter } from './test/server.ts';
import { SseClient } from './test/sse.ts';

const start = sidecarStarter();
const ORIGINAL = "type Id = string;\n\n\nexport function load(id: Id): never {\n  throw new Error('No order ' + id);\n}\n";

let devServer: Server;
let devOrigin: string;
let generated: { line: number; column: number };
const devRequests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'spotlight-symbolicate-ingest-'));

beforeAll(async () => {
  const { code, map } = await transformWithOxc(ORIGINAL, '/app/src/orders.ts', { sourcemap: true });
  const lines = code.split('\n');
  const line = lines.findIndex((l) => l.includes('throw')) + 1;
  generated = { line, column: (lines[line - 1] ?? '').indexOf('new Error') + 1 };
  const inline = Buffer.from(JSON.stringify({ ...map, sources: ['orders.ts'] })).toString('base64');
  const body = `${code}\n//# sourceMappingURL=data:application/json;base64,${inline}\n`;
  // A dev server as Vite is one: it serves the compiled module, with its map inline.
  devServer = createServer((req, res) => {
    devRequests.push(req.url ?? '');
    if (req.url?.startsWith('/src/orders.ts')) res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
  devOrigin = `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'worker.mjs'), 'const a = 1;\nexport function work() {\n  throw new Error("worker failed");\n}\n');
});

afterAll(async () => {
  await new Promise((resolve) => devServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function browserEnvelope(eventId: string, frames: Record<string, unknown>[]): string {
  const event = {
    event_id: eventId,
    platform: 'javascript',
    exception: { values: [{ type: 'Error', value: 'No order 7', stacktrace: { frames } }] },
  };
  return `${JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() })}\n{"type":"event"}\n${JSON.stringify(event)}`;
}

async function streamedEvent(sse: SseClient, eventId: string): Promise<Record<string, unknown>> {
  const find = () =>
    sse.events
      .map((e) => decodeWireEnvelope(e.data))
      .map(([, items]) => items.find(([header]) => header.type === 'event')?.[1] as Record<string, unknown> | undefined)
      .find((event) => event?.event_id === eventId);
  await sse.waitFor(() => find() !== undefined, `event ${eventId}`);
  return find() as Record<string, unknown>;
}

const framesOf = (event: Record<string, unknown>) =>
  (event.exception as { values: { stacktrace: { frames: Record<string, unknown>[] }; raw_stacktrace?: unknown }[] }).values[0];

describe('symbolication at ingest', () => {
  it("stores a page's error with its frames mapped to the original source, the SDK answered at once", async () => {
    const sidecar = await start();
    const sse = await SseClient.open(`${sidecar.url}/stream`);
    const url = `${devOrigin}/src/orders.ts?t=1`;
    const frames = [{ filename: url, abs_path: url, function: 'load', lineno: generated.line, colno: generated.column, in_app: true }];
    const eventId = 'a'.repeat(32);
    const answer = await sidecar.post('/stream', browserEnvelope(eventId, frames), {
      'Content-Type': 'text/plain;charset=UTF-8',
      Origin: devOrigin,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ id: eventId });
    const value = framesOf(await streamedEvent(sse, eventId));
    expect(value?.stacktrace.frames[0]).toMatchObject({
      filename: '/src/orders.ts',
      abs_path: `${devOrigin}/src/orders.ts`,
      lineno: 5,
      context_line: "  throw new Error('No order ' + id);",
      pre_context: ['type Id = string;', '', '', 'export function load(id: Id): never {'],
      in_app: true,
    });
    expect(value?.raw_stacktrace).toEqual({ frames });
    sse.close();
  });

  it('fetches nothing for a request without the Origin of the page that served the frames; other envelopes are stored at once', async () => {
    const sidecar = await start();
    devRequests.length = 0;
    const url = `${devOrigin}/src/orders.ts`;
    const frames = [{ filename: url, abs_path: url, lineno: generated.line, colno: generated.column, in_app: true }];
    // No Origin: a server SDK, or curl. Its frames at URLs are stored as they came, right away.
    const answer = await sidecar.post('/stream', browserEnvelope('b'.repeat(32), frames), { 'Content-Type': 'text/plain' });
    const { id } = JSON.parse(answer.text) as { id: string };
    const stored = await sidecar.get(`/envelope/${id}`);
    expect(stored.status).toBe(200);
    expect(stored.text).toContain(`"lineno":${generated.line}`);
    expect(devRequests).toEqual([]);
  });

  it('adds source lines to a file-path frame under --source-root, and to none outside it', async () => {
    const sidecar = await start({ sourceRoots: [dir] });
    const sse = await SseClient.open(`${sidecar.url}/stream`);
    const frames = [
      { filename: join(dir, 'worker.mjs'), abs_path: join(dir, 'worker.mjs'), lineno: 3, colno: 9, in_app: true },
      { filename: '/etc/hostname', abs_path: '/etc/hostname', lineno: 1, colno: 1, in_app: true },
    ];
    const eventId = 'c'.repeat(32);
    await sidecar.post('/stream', browserEnvelope(eventId, frames), { 'Content-Type': 'text/plain' });
    const value = framesOf(await streamedEvent(sse, eventId));
    expect(value?.stacktrace.frames[0]).toMatchObject({
      context_line: '  throw new Error("worker failed");',
      pre_context: ['const a = 1;', 'export function work() {'],
    });
    expect(value?.stacktrace.frames[1]).toEqual(frames[1]);
    sse.close();
  });
});

describe('which envelopes wait for symbolication', () => {
  const symbolicate = createEnvelopeSymbolicator({ sourceRoots: ['/srv/app'] });
  const envelopeWith = (frames: Record<string, unknown>[]) => parseEnvelope(utf8Encode(browserEnvelope('d'.repeat(32), frames)));

  it('none but those with a frame to map: at a URL of the page that sent it, or an app file under a root without context', () => {
    const url = 'http://localhost:5173/src/main.ts';
    expect(symbolicate(envelopeWith([{ abs_path: url, lineno: 1 }]), 'http://localhost:5173')).toBeInstanceOf(Promise);
    expect(symbolicate(envelopeWith([{ abs_path: url, lineno: 1 }]), 'http://localhost:3000')).toBeUndefined();
    expect(symbolicate(envelopeWith([{ abs_path: url, lineno: 1 }]), undefined)).toBeUndefined();
    expect(symbolicate(envelopeWith([{ abs_path: '/srv/app/src/a.ts', lineno: 1, in_app: true }]), undefined)).toBeInstanceOf(Promise);
    // Another app's files, library frames, frames that have their lines: stored at once.
    expect(symbolicate(envelopeWith([{ abs_path: '/srv/other/a.ts', lineno: 1, in_app: true }]), undefined)).toBeUndefined();
    expect(symbolicate(envelopeWith([{ abs_path: '/srv/app/node_modules/x/a.js', lineno: 1, in_app: false }]), undefined)).toBeUndefined();
    expect(symbolicate(envelopeWith([{ abs_path: '/srv/app/src/a.ts', lineno: 1, context_line: 'x' }]), undefined)).toBeUndefined();
  });
});
