import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { attachmentEnvelope, envelopeFixtures, zstdFrame } from './test/payloads.ts';
import { sidecarStarter } from './test/server.ts';
import { SseClient } from './test/sse.ts';

const start = sidecarStarter();
const MiB = 1024 * 1024;

/** Opens a connection, sends half a request and leaves (a client that dies mid-upload). */
function abandonedUpload(port: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('POST /stream HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n{"event_id":');
      setImmediate(() => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

function garbage(port: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end('\x16\x03\x01 not http at all\r\n\r\n'));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
    socket.resume();
  });
}

describe('under hostile traffic', () => {
  it('answers every bad request with a 4xx while interleaved good envelopes all arrive, and stays up', async () => {
    const sidecar = await start({ maxBodyBytes: MiB, maxDecompressedBytes: 4 * MiB, maxItems: 50 });
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    const good = envelopeFixtures();
    const gzipBomb = await promisify(zlib.gzip)(Buffer.alloc(64 * MiB));
    const post = (body: Uint8Array | string, headers: Record<string, string> = {}) =>
      fetch(`${sidecar.url}/stream`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers }).then(
        async (r) => ({
          status: r.status,
          text: await r.text(),
        }),
      );
    const hostile: Promise<{ status: number; text: string }>[] = [];
    const goodAnswers: Promise<{ status: number; text: string }>[] = [];
    for (let round = 0; round < 3; round++) {
      hostile.push(post(gzipBomb, { 'Content-Encoding': 'gzip' }));
      hostile.push(post(zstdFrame({ rleBlocks: 1000 }), { 'Content-Encoding': 'zstd' }));
      hostile.push(post(attachmentEnvelope(2 * MiB)));
      hostile.push(post('{}\n{"type":"event"}\n{broken'));
      hostile.push(post(`{}\n${'{"type":"session"}\n{}\n'.repeat(51)}`));
      hostile.push(post('x', { 'Content-Encoding': 'lzma' }));
      hostile.push(post('x', { Origin: 'https://evil.example' }));
      void abandonedUpload(sidecar.port);
      void garbage(sidecar.port);
      for (const { bytes } of good) goodAnswers.push(post(bytes));
    }
    const bad = await Promise.all(hostile);
    expect(bad.map((a) => a.status)).toEqual(Array.from({ length: 3 }, () => [413, 413, 413, 400, 413, 415, 403]).flat());
    const ok = await Promise.all(goodAnswers);
    expect(ok.every((a) => a.status === 200)).toBe(true);
    const ids = ok.map((a) => JSON.parse(a.text).id as string);
    await viewer.waitForEvents(ids.length);
    expect(new Set(viewer.envelopeIds)).toEqual(new Set(ids));
    expect(viewer.envelopeIds).toHaveLength(ids.length);
    const health = await new Promise<number>((resolve) => http.get(`${sidecar.url}/health`, (res) => resolve(res.statusCode ?? 0)));
    expect(health).toBe(200);
    expect(sidecar.logs.filter((l) => l.includes('error:'))).toEqual([]);
    viewer.close();
  });
});
