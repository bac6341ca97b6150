import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeWireEnvelope, parseEnvelope, SSE_ENVELOPE_EVENT, sseFrame, utf8Decode, type WireEnvelope } from '@spotlight/envelope';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../envelope/src/test/fixtures.ts';
import { connectSse, type SseClient } from './sseClient.ts';
import type { ConnectionStatus } from './store.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

const servers: Server[] = [];
const clients: SseClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: Handler): Promise<{ url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res, requests.length);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/stream`, requests };
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
}

function frame(id: string, data: string | Uint8Array, event = SSE_ENVELOPE_EVENT): string {
  return utf8Decode(sseFrame({ id, event, data }));
}

/** Resolves when `predicate` holds, polling the event loop (bounded: fails after 5 s). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function collect(url: string, extra: Partial<Parameters<typeof connectSse>[0]> = {}) {
  const received: { id: string | undefined; envelope: WireEnvelope }[] = [];
  const statuses: ConnectionStatus[] = [];
  const errors: string[] = [];
  let clears = 0;
  const client = connectSse({
    url,
    initialRetryMs: 5,
    maxRetryMs: 20,
    onEnvelope: (envelope, id) => received.push({ id, envelope }),
    onClear: () => {
      clears += 1;
    },
    onConnection: (state) => {
      if (statuses.at(-1) !== state.status) statuses.push(state.status);
      if (state.error) errors.push(state.error);
    },
    ...extra,
  });
  clients.push(client);
  return { client, received, statuses, errors, clears: () => clears };
}

function exceptionValue(payload: unknown): string | undefined {
  return (payload as { exception?: { values?: { value?: string }[] } } | undefined)?.exception?.values?.[0]?.value;
}

const eventFixture = () => parseEnvelope(fixture('sentry-node-11.12/event.envelope'));
const logFixture = () => parseEnvelope(fixture('sentry-node-11.12/log.envelope'));

describe('connectSse', () => {
  it('decodes our JSON frames and raw-envelope frames of old sidecars', async () => {
    const rawEnvelopeText = utf8Decode(fixture('sentry-node-10.78/log.envelope'));
    const { url } = await serve((_req, res) => {
      sseHead(res);
      res.write(': heartbeat\n\n');
      res.write(frame('01-a', encodeWireEnvelope(eventFixture(), { __spotlight_envelope_id: '01-a' })));
      res.write(frame('01-b', rawEnvelopeText));
    });
    const { received, statuses } = collect(url);
    await until(() => received.length === 2, 'two envelopes');
    expect(received.map((r) => r.id)).toEqual(['01-a', '01-b']);
    const [eventHeader, eventItems] = received[0]?.envelope ?? [];
    expect(eventHeader?.event_id).toBe('c338dc2e74ec4fa8b7fa2c44d7ed9f2d');
    expect(eventItems?.[0]?.[0].type).toBe('event');
    expect(exceptionValue(eventItems?.[0]?.[1])).toBe('probe error (url)');
    const [, logItems] = received[1]?.envelope ?? [];
    expect(logItems?.[0]?.[0].type).toBe('log');
    expect((logItems?.[0]?.[1] as { items: { body: string }[] } | undefined)?.items[0]?.body).toBe('probe log line (url)');
    expect(statuses).toEqual(['connecting', 'open']);
  });

  it('reads the published sidecar stream as it was captured', async () => {
    const captured = fixture('published-spotlight-4.11.8-stream.txt');
    const { url } = await serve((_req, res) => {
      sseHead(res);
      // Split mid-line to check that frames spanning chunks are reassembled.
      res.write(captured.subarray(0, 1000));
      setTimeout(() => res.write(captured.subarray(1000)), 10);
    });
    const { received, client } = collect(url);
    await until(() => received.length === 12, 'twelve envelopes');
    const types = received.map((r) => r.envelope[1].map(([h]) => h.type).join(','));
    expect(types).toEqual(['session', 'event', 'span', 'log', 'session', 'event', 'span', 'log', 'session', 'event', 'span', 'log']);
    const messages = received.filter((r) => r.envelope[1][0]?.[0].type === 'event').map((r) => exceptionValue(r.envelope[1][0]?.[1]));
    expect(messages).toEqual(['probe error (url)', 'probe error (true+env)', 'probe error (env-only)']);
    // The published sidecar puts `id:` after `data:`; the id still belongs to the frame.
    expect(received[0]?.id).toBe('01a20cbc-ce25-712a-bd13-d0cf28acc58e');
    expect(received[0]?.envelope[0].__spotlight_envelope_id).toBe('01a20cbc-ce25-712a-bd13-d0cf28acc58e');
    expect(client.lastEventId()).toBe(received[11]?.id);
  });

  it('reconnects after the stream ends and resumes with Last-Event-ID', async () => {
    const log = encodeWireEnvelope(logFixture());
    const { url, requests } = await serve((req, res, attempt) => {
      sseHead(res);
      if (attempt === 1) {
        res.write('retry: 5\n\n');
        res.write(frame('id-1', log));
        res.write(frame('id-2', log));
        res.end();
        return;
      }
      // Resume after the id the client names, as the sidecar does.
      const after = req.headers['last-event-id'];
      res.write(frame(after === 'id-2' ? 'id-3' : 'wrong-resume', log));
    });
    const { received, statuses } = collect(url);
    await until(() => received.length === 3, 'three envelopes');
    expect(received.map((r) => r.id)).toEqual(['id-1', 'id-2', 'id-3']);
    expect(requests[0]?.headers['last-event-id']).toBeUndefined();
    expect(requests[1]?.headers['last-event-id']).toBe('id-2');
    expect(requests[1]?.headers.accept).toBe('text/event-stream');
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('backs off while the sidecar is down and reports why', async () => {
    const { url, requests } = await serve((_req, res, attempt) => {
      if (attempt < 3) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('starting');
        return;
      }
      sseHead(res);
      res.write(frame('id-1', encodeWireEnvelope(logFixture())));
    });
    const delays: number[] = [];
    const { received, statuses, errors } = collect(url, {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return setTimeout(fn, 1);
      },
      idleTimeoutMs: 0,
    });
    await until(() => received.length === 1, 'an envelope after two failures');
    expect(requests).toHaveLength(3);
    expect(delays).toEqual([5, 10]);
    expect(errors[0]).toBe('the sidecar answered 503 Service Unavailable');
    expect(statuses).toEqual(['connecting', 'reconnecting', 'open']);
  });

  it('refuses a response that is not an event stream', async () => {
    let attempts = 0;
    const { url } = await serve((_req, res) => {
      attempts += 1;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>not the sidecar</h1>');
    });
    const { errors } = collect(url);
    await until(() => attempts >= 2, 'a retry');
    expect(errors[0]).toBe('the sidecar answered text/html, not an event stream');
  });

  it('clears on spotlight.clear, reports bad frames and goes on', async () => {
    const { url } = await serve((_req, res) => {
      sseHead(res);
      res.write(frame('id-1', encodeWireEnvelope(logFixture())));
      res.write(frame('id-2', '[not json'));
      res.write('event: spotlight.clear\ndata: {}\n\n');
      res.write(frame('id-3', encodeWireEnvelope(logFixture())));
    });
    const frameErrors: string[] = [];
    const { received, clears } = collect(url, { onFrameError: (error) => frameErrors.push(error.message) });
    await until(() => received.length === 2, 'two envelopes');
    expect(received.map((r) => r.id)).toEqual(['id-1', 'id-3']);
    expect(clears()).toBe(1);
    expect(frameErrors).toHaveLength(1);
    expect(frameErrors[0]).toMatch(/^frame is not valid JSON/);
  });

  it('reconnects when the stream goes silent', async () => {
    const { url, requests } = await serve((_req, res, attempt) => {
      sseHead(res);
      if (attempt === 1) res.write(frame('id-1', encodeWireEnvelope(logFixture())));
      else res.write(frame('id-2', encodeWireEnvelope(logFixture())));
      // Then nothing: no heartbeat.
    });
    const { received, errors } = collect(url, { idleTimeoutMs: 30 });
    await until(() => received.length === 2, 'an envelope from the second connection');
    expect(requests[1]?.headers['last-event-id']).toBe('id-1');
    expect(errors[0]).toBe('no data for 0 s');
  });

  it('stops for good on close', async () => {
    const { url, requests } = await serve((_req, res) => {
      sseHead(res);
      res.write(': hi\n\n');
    });
    const { client, statuses } = collect(url);
    await until(() => statuses.includes('open'), 'open');
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toHaveLength(1);
    expect(client.state().status).toBe('closed');
  });
});

describe('reading a backlog', () => {
  /**
   * Reads `chunks` (all there before the first read, so none waits for the network) with a 25 ms
   * slice, on a clock that moves 10 ms with every envelope handled; says how many envelopes had been
   * received when a task queued before the read ran, i.e. at the first yield.
   */
  async function readAllAtOnce(chunks: readonly string[], count: number) {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    let clock = 0;
    const received: string[] = [];
    let receivedWhenTimerRan: number | undefined;
    setTimeout(() => {
      receivedWhenTimerRan = received.length;
    }, 0);
    const client = connectSse({
      url: 'http://127.0.0.1:1/stream',
      fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
      idleTimeoutMs: 0,
      readSliceMs: 25,
      now: () => clock,
      onEnvelope: (_envelope, id) => {
        received.push(id ?? '');
        clock += 10;
      },
    });
    clients.push(client);
    await until(() => received.length === count, `${count} envelopes`);
    expect(received).toEqual(Array.from({ length: count }, (_, i) => `id-${i + 1}`));
    return receivedWhenTimerRan;
  }

  it('hands the thread back after each slice of readSliceMs instead of reading everything in one task', async () => {
    const data = encodeWireEnvelope(logFixture());
    const chunks = Array.from({ length: 10 }, (_, i) => frame(`id-${i + 1}`, data));
    // The third envelope ends the slice.
    expect(await readAllAtOnce(chunks, 10)).toBe(3);
  });

  it('hands the thread back between the envelopes of one chunk, however many it holds', async () => {
    const data = encodeWireEnvelope(logFixture());
    // One chunk of 40 small envelopes, framed in one piece: the network handed them over at once.
    const text = Array.from({ length: 40 }, (_, i) => frame(`id-${i + 1}`, data)).join('');
    expect(text.length).toBeLessThan(64 * 1024);
    expect(await readAllAtOnce([text], 40)).toBe(3);
  });

  it('hands the thread back inside a chunk larger than a piece too, and reads it whole, in order', async () => {
    const data = encodeWireEnvelope(eventFixture());
    const text = Array.from({ length: 40 }, (_, i) => frame(`id-${i + 1}`, data)).join('');
    expect(text.length).toBeGreaterThan(3 * 64 * 1024);
    expect(await readAllAtOnce([text], 40)).toBe(3);
  });

  it('delivers nothing more once closed, not even the rest of the chunk being read', async () => {
    const data = encodeWireEnvelope(logFixture());
    const text = Array.from({ length: 10 }, (_, i) => frame(`id-${i + 1}`, data)).join('');
    const received: string[] = [];
    const client = connectSse({
      url: 'http://127.0.0.1:1/stream',
      fetch: async () => new Response(text, { headers: { 'content-type': 'text/event-stream' } }),
      idleTimeoutMs: 0,
      onEnvelope: (_envelope, id) => {
        received.push(id ?? '');
        if (received.length === 2) client.close();
      },
    });
    clients.push(client);
    await until(() => client.state().status === 'closed', 'closed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual(['id-1', 'id-2']);
  });
});
