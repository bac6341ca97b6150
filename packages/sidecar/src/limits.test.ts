import net from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { attachmentEnvelope, eventEnvelope, fixture, zstdFrame } from './test/payloads.ts';
import { sidecarStarter } from './test/server.ts';

const start = sidecarStarter();
const KiB = 1024;
const MiB = 1024 * KiB;

/** Sends raw HTTP and resolves with the first response head and body the server writes. */
function rawRequest(port: number, head: string, body: Uint8Array = new Uint8Array(0)): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      const end = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer);
      if (end >= 0 && length && answer.length >= end + 4 + Number(length[1])) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
    socket.write(head);
    if (body.length > 0) socket.write(body);
  });
}

describe('size limits', () => {
  it('refuses a body over the raw limit from its Content-Length, before reading it', async () => {
    const sidecar = await start({ maxBodyBytes: 64 * KiB });
    // Only the headers are sent: the answer cannot have waited for the body.
    const answer = await rawRequest(
      sidecar.port,
      'POST /stream HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-sentry-envelope\r\nContent-Length: 10000000\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('request body of 10000000 bytes is over the limit of 65536 bytes (--max-body-bytes)');
  });

  it('refuses a body over the raw limit as it streams in without Content-Length (chunked)', async () => {
    const sidecar = await start({ maxBodyBytes: 64 * KiB });
    const body = attachmentEnvelope(200 * KiB);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 16 * KiB) controller.enqueue(body.subarray(at, at + 16 * KiB));
        controller.close();
      },
    });
    const res = await fetch(`${sidecar.url}/stream`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('request body is over the limit of 65536 bytes (--max-body-bytes)\n');
  });

  it('accepts a body right at the raw limit, and keeps the connection usable after a refusal', async () => {
    const body = attachmentEnvelope(10 * KiB);
    const sidecar = await start({ maxBodyBytes: body.length });
    expect((await sidecar.post('/stream', body)).status).toBe(200);
    expect((await sidecar.post('/stream', attachmentEnvelope(10 * KiB + 1))).status).toBe(413);
    expect((await sidecar.post('/stream', body)).status).toBe(200);
  });

  const bombs = [
    ['gzip', () => promisify(zlib.gzip)(Buffer.alloc(200 * MiB), { level: 9 })],
    ['br', () => promisify(zlib.brotliCompress)(Buffer.alloc(200 * MiB), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } })],
  ] as const;
  for (const [encoding, compress] of bombs) {
    it(`stops a ${encoding} bomb at the decompressed limit`, async () => {
      const sidecar = await start({ maxBodyBytes: MiB, maxDecompressedBytes: 2 * MiB });
      const bomb = await compress();
      expect(bomb.length).toBeLessThan(MiB);
      const answer = await sidecar.post('/stream', bomb, { 'Content-Encoding': encoding });
      expect(answer).toMatchObject({
        status: 413,
        text: 'request body decompresses to more than 2097152 bytes (--max-decompressed-bytes)\n',
      });
    });
  }

  it('stops a zstd bomb at the decompressed limit, and refuses a huge declared window at once', async () => {
    const sidecar = await start({ maxBodyBytes: MiB, maxDecompressedBytes: 2 * MiB });
    const bomb = await sidecar.post('/stream', zstdFrame({ rleBlocks: 4000 }), { 'Content-Encoding': 'zstd' });
    expect(bomb).toMatchObject({ status: 413, text: 'request body decompresses to more than 2097152 bytes (--max-decompressed-bytes)\n' });
    const window = await sidecar.post('/stream', zstdFrame({ windowLog: 30 }), { 'Content-Encoding': 'zstd' });
    expect(window).toMatchObject({ status: 413, text: 'zstd frame asks for a 1073741824-byte window, over the limit of 8388608 bytes\n' });
  });

  it('refuses an envelope with more items than allowed with 413', async () => {
    const sidecar = await start({ maxItems: 3 });
    const items = (n: number) => `{}\n${'{"type":"session"}\n{"sid":"s"}\n'.repeat(n)}`;
    expect((await sidecar.post('/stream', items(3))).status).toBe(200);
    expect(await sidecar.post('/stream', items(4))).toMatchObject({
      status: 413,
      text: 'bad envelope: envelope has more than 3 items (at byte 96)\n',
    });
  });
});

describe('buffer limits', () => {
  it('keeps at most maxEnvelopes, evicting the oldest', async () => {
    const sidecar = await start({ maxEnvelopes: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(JSON.parse((await sidecar.post('/stream', eventEnvelope(`e${i}`))).text).id);
    expect(JSON.parse((await sidecar.get('/health')).text).envelopes).toBe(3);
    expect((await sidecar.get(`/envelope/${ids[1]}`)).status).toBe(404);
    expect((await sidecar.get(`/envelope/${ids[2]}`)).status).toBe(200);
  });

  it('keeps at most maxBufferBytes', async () => {
    const sidecar = await start({ maxBufferBytes: 100 * KiB });
    for (let i = 0; i < 20; i++) expect((await sidecar.post('/stream', attachmentEnvelope(20 * KiB, i + 1))).status).toBe(200);
    const health = JSON.parse((await sidecar.get('/health')).text);
    expect(health.bufferBytes).toBeLessThanOrEqual(100 * KiB);
    // Each envelope costs its bytes (20 KiB and its headers) plus bookkeeping: four fit.
    expect(health.envelopes).toBe(4);
  });

  it('forgets envelopes older than maxAge', async () => {
    const clock = { now: Date.now() };
    const sidecar = await start({ maxAgeSeconds: 60, now: () => clock.now });
    const { id } = JSON.parse((await sidecar.post('/stream', fixture('sentry-node-11.12/log.envelope'))).text);
    clock.now += 59_000;
    expect((await sidecar.get(`/envelope/${id}`)).status).toBe(200);
    clock.now += 2_000;
    expect((await sidecar.get(`/envelope/${id}`)).status).toBe(404);
    expect(JSON.parse((await sidecar.get('/health')).text).envelopes).toBe(0);
  });
});
