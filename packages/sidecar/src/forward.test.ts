import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEnvelope,
  createItem,
  type Envelope,
  type EnvelopeHeaders,
  parseEnvelope,
  serializeEnvelope,
  traceSampleRand,
  utf8Decode,
} from '@spotlight/envelope';
import { afterEach, describe, expect, it } from 'vitest';
import { createForwarder, envelopeUrl, type Forwarder, parseDsn } from './forward.ts';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly envelope: Envelope;
  readonly bytes: Uint8Array;
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/** A fake Sentry on loopback that records every envelope and answers what the test says. */
async function fakeUpstream(reply: (n: number) => Reply = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = new Uint8Array(Buffer.concat(chunks));
      received.push({ path: req.url ?? '', headers: req.headers, envelope: parseEnvelope(bytes), bytes });
      const { status, headers = {} } = reply(received.length);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { port, received, dsn: `http://public@127.0.0.1:${port}/42` };
}

const servers: Server[] = [];
const forwarders: Forwarder[] = [];
afterEach(async () => {
  await Promise.all(forwarders.splice(0).map((f) => f.close(100)));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function forwarder(options: Parameters<typeof createForwarder>[0]): Forwarder {
  const f = createForwarder({ log: () => {}, ...options });
  forwarders.push(f);
  return f;
}

function traceId(n: number): string {
  return n.toString(16).padStart(8, '0').repeat(4);
}

function envelopeOf(header: EnvelopeHeaders, items: [string, unknown][]): { envelope: Envelope; bytes: Uint8Array } {
  const bytes = serializeEnvelope(
    createEnvelope(
      header,
      items.map(([type, payload]) => createItem({ type }, JSON.stringify(payload))),
    ),
  );
  return { envelope: parseEnvelope(bytes), bytes };
}

function transactionEnvelope(trace: string, sampleRand: number, extra: Record<string, string> = {}) {
  const header = { event_id: trace, trace: { trace_id: trace, public_key: 'public', sample_rand: String(sampleRand), ...extra } };
  return envelopeOf(header as EnvelopeHeaders, [['transaction', { type: 'transaction', contexts: { trace: { trace_id: trace } } }]]);
}

/** Resolves once `check` holds, polling the event loop a bounded number of times. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('parseDsn', () => {
  it('reads Sentry DSNs, with a path and a secret, and gives the envelope endpoint with its authentication', () => {
    const dsn = parseDsn('https://abc@o1.ingest.sentry.io/123');
    expect(dsn).toEqual({
      protocol: 'https',
      publicKey: 'abc',
      pass: '',
      host: 'o1.ingest.sentry.io',
      port: '',
      path: '',
      projectId: '123',
    });
    expect(envelopeUrl(dsn)).toBe(
      'https://o1.ingest.sentry.io/api/123/envelope/?sentry_version=7&sentry_key=abc&sentry_client=spotlight-sidecar%2F0.1.0',
    );
    const withPath = parseDsn('http://k:s@[::1]:9000/relay/7');
    expect(envelopeUrl(withPath)).toMatch(/^http:\/\/\[::1\]:9000\/relay\/api\/7\/envelope\/\?sentry_version=7&sentry_key=k&/);
  });

  it('refuses what is not a DSN with a one-line reason', () => {
    expect(() => parseDsn('nope')).toThrow('invalid DSN "nope": not a URL');
    expect(() => parseDsn('ftp://k@host/1')).toThrow('protocol must be http or https');
    expect(() => parseDsn('https://host/1')).toThrow('missing public key');
    expect(() => parseDsn('https://k@host/')).toThrow('project id must be a number');
    expect(() => createForwarder({ dsn: 'https://k@host/1', sampleRate: 2 })).toThrow('invalid sample rate 2');
  });
});

describe('createForwarder', () => {
  it("posts each envelope, byte for byte, to the DSN's envelope endpoint with the auth header", async () => {
    const upstream = await fakeUpstream();
    const f = forwarder({ dsn: upstream.dsn });
    const { envelope, bytes } = envelopeOf({ event_id: 'e1' }, [['event', { event_id: 'e1', message: 'hi' }]]);
    f.forward(envelope, bytes);
    await until(() => f.stats().sent === 1);
    expect(upstream.received).toHaveLength(1);
    const [got] = upstream.received;
    expect(got?.path).toBe('/api/42/envelope/?sentry_version=7&sentry_key=public&sentry_client=spotlight-sidecar%2F0.1.0');
    expect(got?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(utf8Decode(got?.bytes ?? new Uint8Array())).toBe(utf8Decode(bytes));
    expect(f.stats()).toEqual({ sent: 1, dropped: 0, rateLimited: 0, failed: 0, sampledOut: 0 });
  });

  it('samples traces for the upstream copy only, the same way for every envelope of a trace', async () => {
    const upstream = await fakeUpstream();
    const f = forwarder({ dsn: upstream.dsn, sampleRate: 0.25, maxQueue: 1000 });
    const kept = new Set<string>();
    for (let n = 0; n < 200; n++) {
      const id = traceId(n + 1);
      const rand = ((n * 37) % 100) / 100;
      if (rand < 0.25) kept.add(id);
      f.forward(...(Object.values(transactionEnvelope(id, rand)) as [Envelope, Uint8Array]));
      // A second envelope of the same trace carrying an error: the error always goes, the span follows the trace.
      const mixed = envelopeOf({ trace: { trace_id: id, public_key: 'public', sample_rand: String(rand) } } as EnvelopeHeaders, [
        ['event', { event_id: id, message: 'boom' }],
        ['span', { trace_id: id, span_id: '1111111111111111' }],
      ]);
      f.forward(mixed.envelope, mixed.bytes);
    }
    await until(() => f.stats().sent === kept.size + 200);
    const transactions = upstream.received.filter((r) => r.envelope.items.some((i) => i.header.type === 'transaction'));
    expect(new Set(transactions.map((r) => (r.envelope.header.trace as { trace_id: string }).trace_id))).toEqual(kept);
    for (const r of transactions) expect((r.envelope.header.trace as { sample_rate: string }).sample_rate).toBe('0.25');
    const mixed = upstream.received.filter((r) => r.envelope.items.some((i) => i.header.type === 'event'));
    expect(mixed).toHaveLength(200);
    for (const r of mixed) {
      const id = (r.envelope.header.trace as { trace_id: string }).trace_id;
      expect(r.envelope.items.map((i) => i.header.type)).toEqual(kept.has(id) ? ['event', 'span'] : ['event']);
    }
    expect(f.stats()).toEqual({ sent: kept.size + 200, dropped: 0, rateLimited: 0, failed: 0, sampledOut: 2 * (200 - kept.size) });
  });

  it('derives the decision from the trace id when the context has no sample_rand (SDK 8)', async () => {
    const upstream = await fakeUpstream();
    const f = forwarder({ dsn: upstream.dsn, sampleRate: 0.5 });
    const ids = Array.from({ length: 40 }, (_, n) => `${traceId(n * 7919 + 3).slice(0, 19)}${(n * 104729).toString(16).padStart(13, '0')}`);
    for (const id of ids) {
      f.forward(...(Object.values(envelopeOf({}, [['transaction', { contexts: { trace: { trace_id: id } } }]])) as [Envelope, Uint8Array]));
    }
    const expected = ids.filter((id) => (traceSampleRand(id) ?? 1) < 0.5);
    await until(() => f.stats().sent + f.stats().sampledOut === ids.length);
    expect(f.stats().sent).toBe(expected.length);
    const got = upstream.received.map(
      (r) =>
        (JSON.parse(utf8Decode(r.envelope.items[0]?.payload ?? new Uint8Array())) as { contexts: { trace: { trace_id: string } } }).contexts
          .trace.trace_id,
    );
    expect(new Set(got)).toEqual(new Set(expected));
  });

  it("keeps the app's own decision: trace items marked sampled=false stay local", async () => {
    const upstream = await fakeUpstream();
    const f = forwarder({ dsn: upstream.dsn });
    const unsampled = envelopeOf({ trace: { trace_id: traceId(1), sampled: 'false' } } as EnvelopeHeaders, [
      ['transaction', {}],
      ['event', { message: 'still goes' }],
    ]);
    f.forward(unsampled.envelope, unsampled.bytes);
    const sampled = transactionEnvelope(traceId(2), 0.9, { sampled: 'true' });
    f.forward(sampled.envelope, sampled.bytes);
    await until(() => f.stats().sent === 2);
    expect(upstream.received.map((r) => r.envelope.items.map((i) => i.header.type))).toEqual([['event'], ['transaction']]);
    expect(f.stats().sampledOut).toBe(1);
  });

  it('respects a 429 with Retry-After: drops and counts without asking again until it passes', async () => {
    let clock = 1_000;
    const upstream = await fakeUpstream((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 }));
    const lines: string[] = [];
    const f = forwarder({ dsn: upstream.dsn, now: () => clock, log: (line) => lines.push(line) });
    const send = () =>
      f.forward(
        ...(Object.values(
          envelopeOf({}, [
            ['event', {}],
            ['log', {}],
          ]),
        ) as [Envelope, Uint8Array]),
      );
    send();
    await until(() => f.stats().rateLimited === 2);
    for (let i = 0; i < 5; i++) send();
    expect(f.stats()).toEqual({ sent: 0, dropped: 0, rateLimited: 12, failed: 0, sampledOut: 0 });
    expect(upstream.received).toHaveLength(1);
    expect(lines).toEqual([`forward to 127.0.0.1:${upstream.port}: rate limited (everything for 30s); dropping those until then`]);
    clock += 30_001;
    send();
    await until(() => f.stats().sent === 1);
    expect(upstream.received).toHaveLength(2);
  });

  it('drops only the categories X-Sentry-Rate-Limits names', async () => {
    const upstream = await fakeUpstream((n) =>
      n === 1 ? { status: 200, headers: { 'x-sentry-rate-limits': '60:transaction:organization' } } : { status: 200 },
    );
    const f = forwarder({ dsn: upstream.dsn });
    const send = ({ envelope, bytes }: { envelope: Envelope; bytes: Uint8Array }) => f.forward(envelope, bytes);
    send(envelopeOf({}, [['event', {}]]));
    await until(() => f.stats().sent === 1);
    const mixed = transactionEnvelope(traceId(3), 0.1);
    send(
      envelopeOf(mixed.envelope.header, [
        ['transaction', {}],
        ['event', { message: 'kept' }],
      ]),
    );
    send(mixed);
    await until(() => f.stats().sent === 2);
    expect(upstream.received.map((r) => r.envelope.items.map((i) => i.header.type))).toEqual([['event'], ['event']]);
    expect(f.stats().rateLimited).toBe(2);
  });

  it('counts a dead upstream as failed, backs off instead of retrying, and says so once', async () => {
    let clock = 0;
    let calls = 0;
    const lines: string[] = [];
    const f = forwarder({
      dsn: 'http://k@127.0.0.1:9/1',
      now: () => clock,
      log: (line) => lines.push(line),
      fetch: async () => {
        calls++;
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
      },
    });
    const { envelope, bytes } = envelopeOf({}, [['event', {}]]);
    f.forward(envelope, bytes);
    await until(() => f.stats().failed === 1);
    for (let i = 0; i < 10; i++) f.forward(envelope, bytes);
    expect(calls).toBe(1);
    expect(f.stats()).toEqual({ sent: 0, dropped: 10, rateLimited: 0, failed: 1, sampledOut: 0 });
    clock += 1_001;
    f.forward(envelope, bytes);
    await until(() => f.stats().failed === 2);
    expect(calls).toBe(2);
    expect(lines).toEqual([
      'forward to 127.0.0.1:9 failed (connect ECONNREFUSED 127.0.0.1:9); dropping envelopes while it is down, retrying with back-off',
    ]);
  });

  it('bounds what is in flight and waiting; the rest is dropped and counted', async () => {
    const pending: (() => void)[] = [];
    const f = forwarder({
      dsn: 'http://k@127.0.0.1:9/1',
      maxConcurrent: 2,
      maxQueue: 3,
      fetch: () => new Promise<Response>((resolve) => pending.push(() => resolve(new Response('{}', { status: 200 })))),
    });
    const { envelope, bytes } = envelopeOf({}, [['event', {}]]);
    for (let i = 0; i < 10; i++) f.forward(envelope, bytes);
    expect(pending).toHaveLength(2);
    expect(f.stats().dropped).toBe(5);
    while (pending.length) {
      pending.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => f.stats().sent === 5);
    expect(f.stats()).toEqual({ sent: 5, dropped: 5, rateLimited: 0, failed: 0, sampledOut: 0 });
  });

  it('rewrites the DSN a tunnelled envelope names, and close() waits for what is in flight', async () => {
    const upstream = await fakeUpstream();
    const f = forwarder({ dsn: upstream.dsn });
    const { envelope, bytes } = envelopeOf({ dsn: 'https://other@o1.ingest.sentry.io/9' }, [['event', {}]]);
    f.forward(envelope, bytes);
    await f.close();
    expect(upstream.received.map((r) => r.envelope.header.dsn)).toEqual([upstream.dsn]);
    f.forward(envelope, bytes);
    expect(f.stats()).toEqual({ sent: 1, dropped: 1, rateLimited: 0, failed: 0, sampledOut: 0 });
  });
});
