/**
 * The same scenarios against each supported `@sentry/node` major (one test file per major, since an
 * SDK can only be initialized once per process).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Envelope, itemJson, parseEnvelope } from '@spotlight/envelope';
import { afterAll, expect, it } from 'vitest';
import { spotlightActivation } from '../../environment.ts';
import type { SentryClientLike } from '../../sentry.ts';
import type { Sender } from '../delivery.ts';
import type { SidecarProbe } from '../health.ts';
import { init } from '../init.ts';
import { connectClient, spotlightIntegration } from '../integration.ts';
import type { Spawner } from '../launcher.ts';
import { startServer, type TestServer } from './servers.ts';

/** What the scenarios use of `@sentry/node`; every major 8 to 11 has it. */
export interface SentryNode {
  init(options: Record<string, unknown>): unknown;
  getClient(): unknown;
  flush(timeout?: number): PromiseLike<boolean>;
  startSpan<T>(context: { name: string; op?: string }, callback: () => T): T;
  startNewTrace<T>(callback: () => T): T;
  captureException(error: unknown): string;
  getTraceData(): Record<string, string | undefined>;
  logger?: { info(message: string): void };
  SDK_VERSION: string;
}

export interface Captured {
  readonly url: string;
  readonly envelope: Envelope;
}

/** A sender that records instead of sending, and fakes that stop any real sidecar from being found or started. */
export function recordingDeps(port: number) {
  const sent: Captured[] = [];
  const spawned: string[][] = [];
  const probed: string[] = [];
  const send: Sender = async (bytes, url) => {
    sent.push({ url, envelope: parseEnvelope(bytes) });
  };
  const probe = async (url: string): Promise<SidecarProbe> => {
    probed.push(url);
    return url === `http://localhost:${port}` ? { kind: 'spotlight', pid: 1 } : { kind: 'down', reason: 'test' };
  };
  const spawn: Spawner = (_command, args) => {
    spawned.push([...args]);
    return { pid: undefined, exited: Promise.resolve(1) };
  };
  const env: Record<string, string | undefined> = {
    SPOTLIGHT_PORT: String(port),
    SPOTLIGHT_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'spotlight-sdk-')), 'sidecar.json'),
  };
  return { sent, spawned, probed, send, probe, spawn, env };
}

export function itemsOf(captured: readonly { envelope: Envelope }[], type: string): { header: Envelope['header']; payload: unknown }[] {
  return captured.flatMap(({ envelope }) =>
    envelope.items.filter((item) => item.header.type === type).map((item) => ({ header: envelope.header, payload: itemJson(item) })),
  );
}

/** Span names and trace ids, from transactions (SDK 8-10, 11 static) and span-v2 containers (SDK 11). */
export function spansOf(
  captured: readonly { envelope: Envelope }[],
): { name: string; traceId: string; spanId: string; parentSpanId?: string }[] {
  const out: { name: string; traceId: string; spanId: string; parentSpanId?: string }[] = [];
  for (const { payload } of itemsOf(captured, 'transaction')) {
    const tx = payload as {
      transaction: string;
      contexts: { trace: { trace_id: string; span_id: string; parent_span_id?: string } };
      spans?: { description?: string; trace_id: string; span_id: string; parent_span_id?: string }[];
    };
    const root = tx.contexts.trace;
    out.push({ name: tx.transaction, traceId: root.trace_id, spanId: root.span_id, parentSpanId: root.parent_span_id });
    for (const span of tx.spans ?? [])
      out.push({ name: span.description ?? '', traceId: span.trace_id, spanId: span.span_id, parentSpanId: span.parent_span_id });
  }
  for (const { payload } of itemsOf(captured, 'span')) {
    for (const span of (payload as { items: { name: string; trace_id: string; span_id: string; parent_span_id?: string }[] }).items)
      out.push({ name: span.name, traceId: span.trace_id, spanId: span.span_id, parentSpanId: span.parent_span_id });
  }
  return out;
}

export function logBodies(captured: readonly { envelope: Envelope }[]): string[] {
  return itemsOf(captured, 'log').flatMap(({ payload }) => (payload as { items: { body: string }[] }).items.map((log) => log.body));
}

export function errorMessages(captured: readonly { envelope: Envelope }[]): string[] {
  return itemsOf(captured, 'event').map(({ payload }) => {
    const event = payload as { exception?: { values?: { value?: string }[] } };
    return event.exception?.values?.[0]?.value ?? '';
  });
}

/** No DSN: `init()` sets the SDK up for local use; everything reaches the (recorded) sidecar. */
export function localOnlyScenario(Sentry: SentryNode, opts: { logs: boolean }): void {
  const port = 45_000 + Math.floor(Math.random() * 10_000);
  const deps = recordingDeps(port);
  const handle = init({ sentry: Sentry, env: deps.env, send: deps.send, probe: deps.probe, spawn: deps.spawn, log: () => {} });
  let traceData: Record<string, string | undefined> = {};
  let rootTraceId = '';

  it('is on, and starts nothing before the first envelope', () => {
    expect([handle.enabled, handle.reason, handle.transport]).toEqual([true, 'development', 'installed']);
    expect(deps.probed).toEqual([]);
    expect(deps.env.SENTRY_SPOTLIGHT).toBeUndefined();
  });

  it("sends the script's error, spans and logs to the sidecar with no DSN", async () => {
    Sentry.startNewTrace(() =>
      Sentry.startSpan({ name: 'script-root', op: 'script' }, () => {
        Sentry.startSpan({ name: 'child-step' }, () => {
          traceData = Sentry.getTraceData();
          if (opts.logs) Sentry.logger?.info('a log line from the script');
          Sentry.captureException(new Error('boom from the script'));
        });
      }),
    );
    expect(await Sentry.flush(5000)).toBe(true);
    expect(deps.sent.length).toBeGreaterThan(0);
    expect(new Set(deps.sent.map((c) => c.url))).toEqual(new Set([`http://localhost:${port}/stream`]));
    expect(errorMessages(deps.sent)).toEqual(['boom from the script']);
    const spans = spansOf(deps.sent);
    expect(spans.map((s) => s.name).sort()).toEqual(['child-step', 'script-root']);
    rootTraceId = spans[0]?.traceId ?? '';
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    if (opts.logs) expect(logBodies(deps.sent)).toEqual(['a log line from the script']);
    expect(handle.stats()).toMatchObject({ dropped: 0, rejected: 0, queued: 0 });
    expect(handle.sidecarUrl()).toBe(`http://localhost:${port}`);
    expect(deps.env.SENTRY_SPOTLIGHT).toBe(`http://localhost:${port}/stream`);
    expect(deps.spawned).toEqual([]);
  });

  it("propagates the trace and the sidecar's address even without a DSN", () => {
    expect(traceData['sentry-trace']).toMatch(new RegExp(`^${rootTraceId}-[0-9a-f]{16}-1$`));
    expect(traceData.baggage).toContain(`sentry-spotlight=${encodeURIComponent(`http://localhost:${port}/stream`)}`);
    expect(traceData.baggage).toContain(`sentry-trace_id=${rootTraceId}`);
  });

  it('a second connection to the same client in production registers nothing', async () => {
    const quiet = recordingDeps(port);
    const prod = connectClient(Sentry.getClient() as SentryClientLike, {
      env: { NODE_ENV: 'production' },
      send: quiet.send,
      probe: quiet.probe,
      spawn: quiet.spawn,
    });
    expect([prod.enabled, prod.reason, prod.transport]).toEqual([false, 'production (NODE_ENV=production)', 'none']);
    Sentry.captureException(new Error('after the production connection'));
    await Sentry.flush(2000);
    expect([quiet.sent, quiet.probed, quiet.spawned]).toEqual([[], [], []]);
  });
}

/**
 * A DSN (a fake Sentry on loopback) and `tracesSampleRate: 0.1`: the local copy gets every trace, the
 * upstream copy exactly the traces the app's sampling keeps, one decision per trace.
 */
export function withDsnScenario(Sentry: SentryNode): void {
  const port = 45_000 + Math.floor(Math.random() * 10_000);
  const deps = recordingDeps(port);
  const received: Captured[] = [];
  let upstream: TestServer | undefined;
  const TRACES = 200;

  afterAll(async () => {
    await upstream?.close();
  });

  it('keeps the app sampling upstream while Spotlight gets every trace', async () => {
    upstream = await startServer((req, res, body) => {
      received.push({ url: req.url ?? '', envelope: parseEnvelope(new Uint8Array(body)) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    // A burst of 200 traces at start-up is more than the default queue (200) holds while the sidecar is found.
    const integration = spotlightIntegration({
      env: deps.env,
      send: deps.send,
      probe: deps.probe,
      spawn: deps.spawn,
      log: () => {},
      maxQueue: 2000,
    });
    Sentry.init({ dsn: `http://public@127.0.0.1:${upstream.port}/1`, tracesSampleRate: 0.1, integrations: [integration] });
    expect(integration.handle?.transport).toBe('wrapped');
    expect(spotlightActivation(deps.env).enabled).toBe(true);

    for (let i = 0; i < TRACES; i++) {
      // SDKs drop events beyond 64 being processed at once; an app does not make 200 in one burst.
      if (i % 20 === 19) await Sentry.flush(5000);
      Sentry.startNewTrace(() =>
        Sentry.startSpan({ name: `job-${i}` }, () => {
          if (i % 40 === 0) Sentry.captureException(new Error(`failure ${i}`));
        }),
      );
    }
    expect(await Sentry.flush(10_000)).toBe(true);
    expect(integration.handle?.stats()).toMatchObject({ dropped: 0, rejected: 0, queued: 0 });

    const local = spansOf(deps.sent).filter((s) => s.name.startsWith('job-'));
    expect(local).toHaveLength(TRACES);
    const localTraces = new Set(local.map((s) => s.traceId));
    expect(localTraces.size).toBe(TRACES);

    // The decision the app's sampling makes for each trace, read from the local copy's sampling context.
    const expected = new Set<string>();
    for (const { envelope } of deps.sent) {
      const dsc = envelope.header.trace as { trace_id?: string; sample_rand?: string; sample_rate?: string; sampled?: string } | undefined;
      if (!dsc?.trace_id || !localTraces.has(dsc.trace_id) || !envelope.items.some((i) => ['transaction', 'span'].includes(i.header.type)))
        continue;
      expect(dsc.sample_rate).toBe('0.1');
      expect(dsc.sampled).toBe(String(Number(dsc.sample_rand) < 0.1));
      if (dsc.sampled === 'true') expected.add(dsc.trace_id);
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(TRACES / 2);

    expect(received.every((r) => r.url.startsWith('/api/1/envelope/'))).toBe(true);
    const forwarded = spansOf(received).filter((s) => s.name.startsWith('job-'));
    expect(new Set(forwarded.map((s) => s.traceId))).toEqual(expected);
    expect(forwarded).toHaveLength(expected.size);
    for (const { envelope } of received) {
      const dsc = envelope.header.trace as Record<string, unknown> | undefined;
      expect(dsc?.spotlight).toBeUndefined();
      if (envelope.items.some((i) => ['transaction', 'span'].includes(i.header.type))) expect(dsc?.sample_rate).toBe('0.1');
    }
    // The rate recorded on each root is the app's, not the 1 Spotlight sampled with.
    const rootRates = [
      ...itemsOf(received, 'transaction')
        .map(({ payload }) => payload as { transaction: string; contexts: { trace: { data: Record<string, unknown> } } })
        .filter((tx) => tx.transaction.startsWith('job-'))
        .map((tx) => tx.contexts.trace.data['sentry.sample_rate']),
      ...itemsOf(received, 'span').flatMap(({ payload }) =>
        (payload as { items: { name: string; attributes: Record<string, { value: unknown }> }[] }).items
          .filter((span) => span.name.startsWith('job-'))
          .map((span) => span.attributes['sentry.sample_rate']?.value),
      ),
    ];
    expect(rootRates).toEqual(Array(expected.size).fill(0.1));
    // Errors are not trace-sampled: both copies have all of them.
    expect(errorMessages(deps.sent).sort()).toEqual(['failure 0', 'failure 120', 'failure 160', 'failure 40', 'failure 80']);
    expect(errorMessages(received).sort()).toEqual(errorMessages(deps.sent).sort());
  });

  it('counts an error repeated in new traces (three jobs failing alike) locally; upstream, Dedupe still decides', async () => {
    const before = { local: errorMessages(deps.sent).length, upstream: errorMessages(received).length };
    for (let i = 0; i < 3; i++) {
      Sentry.startNewTrace(() =>
        Sentry.startSpan({ name: 'job' }, () => Sentry.captureException(new Error('the same failure every time'))),
      );
    }
    expect(await Sentry.flush(10_000)).toBe(true);
    expect(errorMessages(deps.sent).slice(before.local)).toEqual(Array(3).fill('the same failure every time'));
    // SDK 8 has no Dedupe by default; from 9 on it keeps the first of the three for Sentry.
    const dedupe = (Sentry.getClient() as { getIntegrationByName(name: string): unknown }).getIntegrationByName('Dedupe');
    expect(errorMessages(received).slice(before.upstream)).toEqual(Array(dedupe ? 1 : 3).fill('the same failure every time'));
  });
}
