import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { decodeWireEnvelope, utf8Encode } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { envelopeFixtures, FIXTURES_DIR, fixture, largeEnvelope } from './test/payloads.ts';
import { sidecarStarter, UUID_V7 } from './test/server.ts';
import { SseClient } from './test/sse.ts';

const start = sidecarStarter();
const gzip = promisify(zlib.gzip);

describe('ingest routes', () => {
  it('stores every captured SDK envelope byte for byte from POST /stream', async () => {
    const sidecar = await start();
    for (const { name, bytes } of envelopeFixtures()) {
      const answer = await sidecar.post('/stream', bytes, { 'Content-Type': 'application/x-sentry-envelope' });
      expect(answer.status, name).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const { id } = JSON.parse(answer.text) as { id: string };
      expect(id).toMatch(UUID_V7);
      const stored = await sidecar.get(`/envelope/${id}`);
      expect(stored.status).toBe(200);
      expect(stored.headers.get('content-type')).toBe('application/x-sentry-envelope');
      expect(stored.bytes, name).toEqual(bytes);
    }
  });

  it('accepts /api/:projectId/envelope with and without the trailing slash', async () => {
    const sidecar = await start();
    const bytes = fixture('sentry-node-11.12/log.envelope');
    for (const path of ['/api/0/envelope/', '/api/42/envelope', '/api/0/envelope/?sentry_key=abc&sentry_version=7']) {
      const answer = await sidecar.post(path, bytes, { 'Content-Type': 'application/x-sentry-envelope' });
      expect(answer.status, path).toBe(200);
      expect((await sidecar.get(`/envelope/${JSON.parse(answer.text).id}`)).bytes).toEqual(bytes);
    }
  });

  it('accepts every content type SDKs use, and none', async () => {
    const sidecar = await start();
    const bytes = fixture('sentry-node-11.12/session.envelope');
    for (const type of [
      'application/x-sentry-envelope',
      'text/plain;charset=UTF-8',
      'application/octet-stream',
      'application/json',
      undefined,
    ]) {
      const headers: Record<string, string> = type === undefined ? {} : { 'Content-Type': type };
      const body = type === undefined ? new Blob([new Uint8Array(bytes)]) : bytes;
      const res = await fetch(`${sidecar.url}/stream`, {
        method: 'POST',
        body: body instanceof Blob ? body : new Uint8Array(body),
        headers,
      });
      expect(res.status, String(type)).toBe(200);
    }
    const refused = await sidecar.post('/stream', bytes, { 'Content-Type': 'multipart/form-data; boundary=x' });
    expect(refused.status).toBe(415);
    expect(refused.text).toBe(
      'Content-Type "multipart/form-data" is not accepted here; send application/x-sentry-envelope, text/plain, application/octet-stream, application/json, application/x-www-form-urlencoded or none\n',
    );
  });

  it('wraps a legacy /store/ event into an envelope that viewers read like any other', async () => {
    const sidecar = await start();
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    const event = '{"event_id":"0a1b2c3d4e5f40718293a4b5c6d7e8f9","message":"legacy store","platform":"python","level":"error"}';
    const answer = await sidecar.post('/api/1/store/', event, { 'Content-Type': 'application/json' });
    expect(answer.status).toBe(200);
    const { id } = JSON.parse(answer.text);
    await viewer.waitForEvents(1);
    const [header, items] = decodeWireEnvelope(viewer.events[0]?.data ?? '');
    expect(header.event_id).toBe('0a1b2c3d4e5f40718293a4b5c6d7e8f9');
    expect(header.__spotlight_envelope_id).toBe(id);
    expect(items).toEqual([[{ type: 'event', length: event.length }, JSON.parse(event)]]);
    expect((await sidecar.post('/api/1/store', '{"message":"no slash"}')).status).toBe(200);
    expect(await sidecar.post('/api/1/store/', '[1,2]', { 'Content-Type': 'application/json' })).toMatchObject({
      status: 400,
      text: 'store body must be a JSON object (one event)\n',
    });
    viewer.close();
  });
});

describe('Content-Encoding', () => {
  const envelope = fixture('sentry-node-11.12/event.envelope');

  async function roundTrip(body: Uint8Array, encoding: string): Promise<Uint8Array> {
    const sidecar = await start();
    const answer = await sidecar.post('/api/0/envelope/', body, {
      'Content-Type': 'application/x-sentry-envelope',
      'Content-Encoding': encoding,
    });
    expect(answer.status, `${encoding}: ${answer.text}`).toBe(200);
    return (await sidecar.get(`/envelope/${JSON.parse(answer.text).id}`)).bytes;
  }

  it('gzip', async () => {
    expect(await roundTrip(await gzip(envelope), 'gzip')).toEqual(envelope);
  });

  it('deflate, zlib-wrapped and raw', async () => {
    expect(await roundTrip(await promisify(zlib.deflate)(envelope), 'deflate')).toEqual(envelope);
    expect(await roundTrip(await promisify(zlib.deflateRaw)(envelope), 'deflate')).toEqual(envelope);
  });

  it('br', async () => {
    expect(await roundTrip(await promisify(zlib.brotliCompress)(envelope), 'br')).toEqual(envelope);
  });

  it('zstd (a body made by the zstd CLI)', async () => {
    const body = readFileSync(join(FIXTURES_DIR, 'zstd/large-envelope.zst'));
    // Buffer.equals: a deep toEqual over 383 KB would cost seconds.
    expect(Buffer.from(await roundTrip(body, 'zstd')).equals(Buffer.from(largeEnvelope()))).toBe(true);
  });

  it('identity, empty and UTF-8 mean uncompressed', async () => {
    for (const encoding of ['identity', '', 'UTF-8']) expect(await roundTrip(envelope, encoding)).toEqual(envelope);
  });

  it('refuses unknown and stacked encodings with 415 listing the supported ones', async () => {
    const sidecar = await start();
    const unknown = await sidecar.post('/stream', envelope, { 'Content-Encoding': 'compress' });
    expect(unknown).toMatchObject({
      status: 415,
      text: 'unknown Content-Encoding "compress"; supported Content-Encoding values: gzip, deflate, br, zstd, identity (one at a time)\n',
    });
    const stacked = await sidecar.post('/stream', await gzip(await gzip(envelope)), { 'Content-Encoding': 'gzip, gzip' });
    expect(stacked.status).toBe(415);
    expect(stacked.text).toMatch(
      /^stacked Content-Encoding "gzip, gzip" is not supported; supported Content-Encoding values: gzip, deflate, br, zstd, identity/,
    );
  });

  it('answers 400 when the body is not what the header says', async () => {
    const sidecar = await start();
    const answer = await sidecar.post('/stream', envelope, { 'Content-Encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 400, text: 'body is not valid gzip: incorrect header check\n' });
  });
});

describe('bad envelopes', () => {
  it('answers 400 with the parser reason and byte offset, and keeps serving', async () => {
    const sidecar = await start();
    const cases: [string, string][] = [
      ['', 'bad envelope: envelope is empty (at byte 0)'],
      ['{not json}\n{"type":"event"}\n{}', 'bad envelope: envelope header is not valid JSON: '],
      ['{}\n{"length":2}\n{}', 'bad envelope: item 1 header must be a JSON object with a "type" string (at byte 3)'],
      ['{}\n{"type":"attachment","length":50}\nshort', 'bad envelope: item 1 declares 50 payload bytes but only 5 remain (at byte 37)'],
      ['{}\n{"type":"event"}\n{"oops"', 'bad envelope: item 1 (event) payload is not valid JSON: '],
    ];
    for (const [body, message] of cases) {
      const answer = await sidecar.post('/stream', body, { 'Content-Type': 'application/x-sentry-envelope' });
      expect(answer.status, body).toBe(400);
      expect(answer.text.startsWith(message), answer.text).toBe(true);
      expect(answer.text.split('\n')).toHaveLength(2);
    }
    expect((await sidecar.post('/stream', fixture('sentry-node-11.12/event.envelope'))).status).toBe(200);
    expect(JSON.parse((await sidecar.get('/health')).text).envelopes).toBe(1);
  });

  it('never answers 500 to odd requests', async () => {
    const sidecar = await start();
    const odd = [
      await sidecar.get('/envelope/%E0%A4%A'),
      await sidecar.get('/envelope/nope'),
      await sidecar.post('/stream', utf8Encode('\u0000\u0001binary garbage')),
      await sidecar.post('/api/x/envelope', new Uint8Array([0xff, 0xfe, 0x0a, 0x7b])),
      await sidecar.get('/no/such/route'),
      await sidecar.post('/health', 'x'),
    ];
    expect(odd.map((a) => a.status)).toEqual([400, 404, 400, 400, 404, 404]);
    expect(odd[1]?.text).toBe('no envelope "nope" in the buffer (unknown, cleared or evicted)\n');
    expect(odd[4]?.text).toBe('no route for GET /no/such/route; see GET / for how to connect\n');
  });
});
