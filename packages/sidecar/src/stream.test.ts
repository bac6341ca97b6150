import http from 'node:http';
import net from 'node:net';
import { decodeWireEnvelope, parseEnvelope, SSE_ENVELOPE_EVENT } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { attachmentEnvelope, envelopeFixtures, eventEnvelope, fixture } from './test/payloads.ts';
import { sidecarStarter, UUID_V7 } from './test/server.ts';
import { SseClient } from './test/sse.ts';

const start = sidecarStarter();

async function postId(
  sidecar: Awaited<ReturnType<typeof start>>,
  body: Uint8Array | string,
  headers?: Record<string, string>,
): Promise<string> {
  const answer = await sidecar.post('/stream', body, headers);
  expect(answer.status, answer.text).toBe(200);
  return JSON.parse(answer.text).id;
}

describe('GET /stream', () => {
  it('flushes SSE headers at once, with retry, before any envelope exists', async () => {
    const sidecar = await start();
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    expect(viewer.response.status).toBe(200);
    expect(viewer.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(viewer.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(viewer.response.headers.get('x-powered-by')).toBe('spotlight-by-sentry');
    await viewer.waitFor(() => viewer.retry !== undefined, 'retry');
    expect(viewer.retry).toBe(1000);
    viewer.close();
  });

  it('replays the buffer, then streams live envelopes, each with its id, in the published wire format', async () => {
    const sidecar = await start();
    const fixtures = envelopeFixtures();
    const ids: string[] = [];
    for (const { bytes } of fixtures.slice(0, 3)) ids.push(await postId(sidecar, bytes));
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    await viewer.waitForEvents(3);
    for (const { bytes } of fixtures.slice(3)) ids.push(await postId(sidecar, bytes));
    await viewer.waitForEvents(fixtures.length);
    expect(viewer.envelopeIds).toEqual(ids);
    expect([...ids].sort()).toEqual(ids);
    viewer.events.forEach((event, i) => {
      expect(event.event).toBe(SSE_ENVELOPE_EVENT);
      expect(event.id).toMatch(UUID_V7);
      const [header, items] = decodeWireEnvelope(event.data);
      const original = parseEnvelope(fixtures[i]?.bytes ?? new Uint8Array());
      expect(header).toEqual({ ...original.header, __spotlight_envelope_id: event.id, __spotlight_inferred_source: 'server' });
      expect(items.map(([h]) => h)).toEqual(original.items.map((item) => item.header));
    });
    viewer.close();
  });

  it('writes frames exactly like the published sidecar: event, one-line data, id', async () => {
    const sidecar = await start();
    const id = await postId(sidecar, fixture('sentry-node-11.12/log.envelope'));
    const res = await fetch(`${sidecar.url}/stream`);
    const reader = res.body?.getReader();
    let text = '';
    while (!text.includes('\n\nid:') && !text.endsWith('\n\n') && reader) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      if (text.split('\n\n').length > 2) break;
    }
    await reader?.cancel();
    const frame = text.split('\n\n')[1] ?? '';
    const lines = frame.split('\n');
    expect(lines[0]).toBe(`id: ${id}`);
    expect(lines[1]).toBe('event: application/x-sentry-envelope');
    expect(lines[2]).toMatch(/^data: \[\{"sdk":\{"name":"sentry\.javascript\.node","version":"11\.12\.0"\},"__spotlight_envelope_id":"/);
    expect(lines).toHaveLength(3);
    const [, items] = JSON.parse((lines[2] ?? '').slice('data: '.length));
    expect(items[0][1].items[0].body).toBe('probe log line (url)');
  });

  it('marks envelopes sent by a browser as browser', async () => {
    const sidecar = await start();
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    await postId(sidecar, eventEnvelope('from page'), { Origin: 'http://localhost:3000', 'Content-Type': 'text/plain;charset=UTF-8' });
    await postId(sidecar, eventEnvelope('from agent'), { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' });
    await postId(sidecar, eventEnvelope('from server'), { 'User-Agent': 'node' });
    await viewer.waitForEvents(3);
    expect(viewer.events.map((e) => decodeWireEnvelope(e.data)[0].__spotlight_inferred_source)).toEqual(['browser', 'browser', 'server']);
    viewer.close();
  });

  it('resumes strictly after Last-Event-ID, and replays everything for an unknown id', async () => {
    const sidecar = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await postId(sidecar, eventEnvelope(`m${i}`)));
    const resumed = await SseClient.open(`${sidecar.url}/stream`, { 'Last-Event-ID': ids[1] as string });
    await resumed.waitForEvents(3);
    const unknown = await SseClient.open(`${sidecar.url}/stream`, { 'Last-Event-ID': '01000000-0000-7000-8000-000000000000' });
    await unknown.waitForEvents(5);
    const byQuery = await SseClient.open(`${sidecar.url}/stream?lastEventId=${ids[3]}`);
    await byQuery.waitForEvents(1);
    ids.push(await postId(sidecar, eventEnvelope('live')));
    await resumed.waitForEvents(4);
    await byQuery.waitForEvents(2);
    expect(resumed.envelopeIds).toEqual(ids.slice(2));
    expect(byQuery.envelopeIds).toEqual(ids.slice(4));
    await unknown.waitForEvents(6);
    expect(unknown.envelopeIds).toEqual(ids);
    for (const viewer of [resumed, unknown, byQuery]) viewer.close();
  });

  it('gives viewers that join while envelopes pour in each envelope exactly once, in order', async () => {
    const sidecar = await start();
    const posts: Promise<string>[] = [];
    const viewers: Promise<SseClient>[] = [];
    for (let i = 0; i < 300; i++) {
      posts.push(postId(sidecar, eventEnvelope(`burst ${i}`)));
      if (i % 60 === 30) viewers.push(SseClient.open(`${sidecar.url}/stream`));
    }
    const ids = (await Promise.all(posts)).sort();
    for (const viewer of await Promise.all(viewers)) {
      await viewer.waitForEvents(ids.length);
      expect(viewer.envelopeIds).toEqual(ids);
      viewer.close();
    }
  });

  it('sends heartbeat comments', async () => {
    const sidecar = await start({ heartbeatMs: 20 });
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    await viewer.waitFor(() => viewer.comments.length >= 2, 'two heartbeats');
    expect(viewer.comments.slice(0, 2)).toEqual(['keep-alive', 'keep-alive']);
    expect(viewer.events).toEqual([]);
    viewer.close();
  });

  it('on DELETE /clear empties the buffer and tells every viewer', async () => {
    const sidecar = await start();
    const first = await postId(sidecar, eventEnvelope('before'));
    const a = await SseClient.open(`${sidecar.url}/stream`);
    const b = await SseClient.open(`${sidecar.url}/stream`);
    await a.waitForEvents(1);
    await b.waitForEvents(1);
    const answer = await fetch(`${sidecar.url}/clear`, { method: 'DELETE' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ cleared: 1 });
    await a.waitForEvents(2);
    await b.waitForEvents(2);
    for (const viewer of [a, b]) expect(viewer.events[1]).toEqual({ id: undefined, event: 'spotlight.clear', data: '{}' });
    expect((await sidecar.get(`/envelope/${first}`)).status).toBe(404);
    expect(JSON.parse((await sidecar.get('/health')).text).envelopes).toBe(0);
    const late = await SseClient.open(`${sidecar.url}/stream`);
    const after = await postId(sidecar, eventEnvelope('after'));
    await late.waitForEvents(1);
    expect(late.envelopeIds).toEqual([after]);
    for (const viewer of [a, b, late]) viewer.close();
  });

  it('refuses viewers past --max-viewers with 503 and a reason', async () => {
    const sidecar = await start({ maxViewers: 2 });
    const a = await SseClient.open(`${sidecar.url}/stream`);
    const b = await SseClient.open(`${sidecar.url}/stream`);
    const refused = await fetch(`${sidecar.url}/stream`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.text()).toBe('too many viewers: 2 are connected (--max-viewers); close one and retry\n');
    a.close();
    // The slot frees once the server sees the first viewer leave.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const again = await fetch(`${sidecar.url}/stream`);
      status = again.status;
      await again.body?.cancel();
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
    b.close();
  });

  it('disconnects a viewer that stops reading, while the others get every envelope, and memory stays bounded', async () => {
    const queueLimit = 512 * 1024;
    const sidecar = await start({ maxViewerQueueBytes: queueLimit, maxBufferBytes: 4 * 1024 * 1024 });
    const healthy = await SseClient.open(`${sidecar.url}/stream`);
    // The stalled viewer: a raw socket that sends its request and then never reads.
    const stalled = net.connect(sidecar.port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    stalled.pause();
    stalled.on('error', () => {});
    const health = async () => JSON.parse((await sidecar.get('/health')).text);
    for (let i = 0; i < 50 && (await health()).viewers < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await health()).viewers).toBe(2);

    const ids: string[] = [];
    // 64 KiB envelopes (~87 KB frames) until the server cuts the stalled viewer off; bounded.
    for (let i = 0; i < 600; i++) {
      ids.push(await postId(sidecar, attachmentEnvelope(64 * 1024, i + 1)));
      if (i % 10 === 9 && (await health()).slowViewersDisconnected === 1) break;
    }
    const after = await health();
    expect(after.slowViewersDisconnected).toBe(1);
    expect(after.viewers).toBe(1);
    expect(after.bufferBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    // Others carry on: one more envelope after the cut, and the healthy viewer has every one.
    ids.push(await postId(sidecar, eventEnvelope('after the cut')));
    await healthy.waitForEvents(ids.length, 20_000);
    expect(healthy.envelopeIds).toEqual(ids);
    expect(sidecar.logs.some((l) => /disconnected a viewer that stopped reading: \d+ bytes unsent \(limit 524288\)/.test(l))).toBe(true);
    healthy.close();
    stalled.destroy();
  });
});

describe('GET /stream while the buffer turns over', () => {
  function messageOf(data: string): string {
    try {
      const [, items] = decodeWireEnvelope(data);
      return (items[0]?.[1] as { message?: string } | undefined)?.message ?? '(no message)';
    } catch {
      return '(corrupt)';
    }
  }

  /** A viewer that reads nothing until `resume()`, so that the sidecar holds its unsent frames; it collects each envelope's id and message. */
  function pausedViewer(url: string) {
    const messages = new Map<string, string>();
    let text = '';
    let check = () => {};
    let resume = () => {};
    const req = http.get(`${url}/stream`, (res) => {
      res.pause();
      resume = () => res.resume();
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        let end = text.indexOf('\n\n');
        while (end >= 0) {
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (id !== undefined && data !== undefined) messages.set(id, messageOf(data));
          end = text.indexOf('\n\n');
        }
        check();
      });
    });
    req.on('error', () => {});
    return {
      messages,
      resume: () => resume(),
      done: (count: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out: ${messages.size} of ${count} envelopes arrived`)), 10_000);
          check = () => {
            if (messages.size < count) return;
            clearTimeout(timer);
            resolve();
          };
          check();
        }),
      close: () => req.destroy(),
    };
  }

  it('gives a viewer that fell behind every envelope intact, replayed or live, though the buffer evicted them long ago', async () => {
    // A 256 KiB buffer turns over about every 25 envelopes of 5 KB; 10 MB sent is more than the
    // kernel's socket buffers take, so the sidecar holds frames of long-evicted envelopes unsent.
    const sidecar = await start({ maxBufferBytes: 256 * 1024 });
    const sent = new Map<string, string>();
    let next = 0;
    const postUntil = async (total: number) => {
      const poster = async () => {
        while (next < total) {
          const message = `envelope ${next++} ${'x'.repeat(5000)}`;
          sent.set(await postId(sidecar, eventEnvelope(message)), message);
        }
      };
      await Promise.all(Array.from({ length: 8 }, poster));
    };
    await postUntil(300);
    const viewer = pausedViewer(sidecar.url);
    // The viewer replays the buffer as it connects: count what it holds then.
    for (let i = 0; i < 500 && sidecar.viewers.count === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const replayed = sidecar.store.size;
    expect(replayed).toBeGreaterThan(10);
    await postUntil(2000);
    viewer.resume();
    await viewer.done(replayed + 1700);
    viewer.close();
    const wrong = [...viewer.messages].filter(([id, message]) => sent.get(id) !== message);
    expect(wrong.length, `${wrong.length} envelopes arrived changed`).toBe(0);
  }, 20_000);
});
