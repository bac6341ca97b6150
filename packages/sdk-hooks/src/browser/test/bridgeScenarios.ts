/** The bridge's scenarios, run against each supported `@sentry/browser` major (one file per major). */
import { itemJson, parseEnvelope } from '@spotlight/envelope';
import { afterEach, expect, it } from 'vitest';
import type { SentryClientLike } from '../../sentry.ts';
import { connectBrowserSdk, type Disconnect, spotlightBrowserIntegration } from '../index.ts';

export interface SentryBrowser {
  BrowserClient: new (options: Record<string, unknown>) => SentryClientLike & { init(): void; getDsn(): unknown; getOptions(): object };
  defaultStackParser: unknown;
  getCurrentScope(): { setClient(client: unknown): void };
  captureException(error: unknown, hint?: { extra?: Record<string, unknown> }): string;
  startSpan<T>(context: { name: string }, callback: (span: { spanContext(): { traceId: string } }) => T): T;
  startNewTrace<T>(callback: () => T): T;
  flush(timeout?: number): PromiseLike<boolean>;
  init(options: Record<string, unknown>): unknown;
  getTraceData?(): Record<string, string | undefined>;
  isEnabled?(): boolean;
  getClient(): SentryClientLike | undefined;
}

interface Posted {
  readonly url: string;
  readonly init: RequestInit;
  readonly types: string[];
}

function recordingFetch() {
  const posted: Posted[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const envelope = parseEnvelope(init.body as Uint8Array);
    posted.push({ url, init, types: envelope.items.map((i) => i.header.type) });
    return new Response('{"id":"1"}', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { posted, fetch };
}

export function bridgeScenarios(Sentry: SentryBrowser): void {
  const upstream: unknown[][] = [];
  const DSN = 'https://public@o1.ingest.sentry.io/1';
  const client = new Sentry.BrowserClient({
    dsn: DSN,
    transport: () => ({
      send: async (envelope: unknown[]) => {
        upstream.push(envelope);
        return {};
      },
      flush: async () => true,
    }),
    integrations: [],
    stackParser: Sentry.defaultStackParser,
    tracesSampleRate: 0.25,
  });
  const disconnects: Disconnect[] = [];
  afterEach(() => {
    for (const d of disconnects.splice(0)) d();
    upstream.length = 0;
  });

  it('sends the page SDK envelopes to the sidecar as text/plain, leaving DSN, sampling and upstream as they were', async () => {
    Sentry.getCurrentScope().setClient(client);
    client.init();
    const { posted, fetch } = recordingFetch();
    const disconnect = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969/stream', fetch });
    disconnects.push(disconnect);
    Sentry.captureException(new Error('page error'));
    await Sentry.flush(2000);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.url).toBe('http://localhost:8969/stream');
    expect(posted[0]?.init.method).toBe('POST');
    expect(posted[0]?.init.headers).toEqual({ 'Content-Type': 'text/plain;charset=UTF-8' });
    expect(posted[0]?.types).toEqual(['event']);
    const event = itemJson(
      parseEnvelope(posted[0]?.init.body as Uint8Array).items[0] ?? { header: { type: '' }, payload: new Uint8Array() },
    );
    expect((event as { exception: { values: { value: string }[] } }).exception.values[0]?.value).toBe('page error');
    // Sentry itself still gets exactly its envelope, through its own transport, to its own DSN.
    expect(upstream).toHaveLength(1);
    expect(String((client.getDsn() as { publicKey?: string }).publicKey)).toBe('public');
    expect((client.getOptions() as { tracesSampleRate?: number }).tracesSampleRate).toBe(0.25);
    expect(disconnect.stats()).toEqual({ connected: true, sent: 1, failed: 0, dropped: 0 });
  });

  it('records the trace ids this page load starts, as soon as a span starts, once each', async () => {
    const { fetch } = recordingFetch();
    const seen: string[][] = [];
    disconnects.push(connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch, onTraceIds: (ids) => seen.push([...ids]) }));
    let first = '';
    Sentry.startNewTrace(() =>
      Sentry.startSpan({ name: 'pageload' }, (span) => {
        first = span.spanContext().traceId;
        expect(seen.at(-1)).toEqual([first]);
        Sentry.startSpan({ name: 'child' }, () => {});
      }),
    );
    let second = '';
    Sentry.startNewTrace(() =>
      Sentry.startSpan({ name: 'navigation' }, (span) => {
        second = span.spanContext().traceId;
      }),
    );
    await Sentry.flush(2000);
    expect(seen).toEqual([[first], [first, second]]);
  });

  it('stops at disconnect, and counts a sidecar that is down', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const disconnect = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch: failing });
    Sentry.captureException(new Error('one'));
    await Sentry.flush(2000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(disconnect.stats()).toEqual({ connected: true, sent: 0, failed: 1, dropped: 0 });
    disconnect.disconnect();
    Sentry.captureException(new Error('two'));
    await Sentry.flush(2000);
    expect(disconnect.stats().failed).toBe(1);
    expect(upstream).toHaveLength(2);
  });

  it("uses the page's fetch without Sentry's instrumentation wrapper", async () => {
    const { posted, fetch: original } = recordingFetch();
    const wrapper = Object.assign(async () => new Response('wrapped'), { __sentry_original__: original });
    const saved = globalThis.fetch;
    globalThis.fetch = wrapper as unknown as typeof globalThis.fetch;
    try {
      disconnects.push(connectBrowserSdk({ sidecarUrl: 'http://localhost:8969' }));
      Sentry.captureException(new Error('unwrapped'));
      await Sentry.flush(2000);
      expect(posted.map((p) => p.types)).toEqual([['event']]);
    } finally {
      globalThis.fetch = saved;
    }
  });

  it('delivers a burst larger than its concurrency, a few requests at a time, none dropped', async () => {
    const posted: number[] = [];
    let inFlight = 0;
    let maxSeen = 0;
    const slowFetch = (async () => {
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      posted.push(1);
      return new Response('{"id":"1"}', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const disconnect = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch: slowFetch, maxInFlight: 3, client });
    disconnects.push(disconnect);
    for (let i = 0; i < 40; i++) Sentry.captureException(new Error(`burst ${i}`));
    await Sentry.flush(2000);
    for (let i = 0; i < 200 && posted.length < 40; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(posted).toHaveLength(40);
    expect(maxSeen).toBe(3);
    expect(disconnect.stats()).toEqual({ connected: true, sent: 40, failed: 0, dropped: 0 });
  });

  it('keeps the keepalive bodies in flight under the browser budget of 64 KiB, sending the rest as plain requests', async () => {
    let keepaliveInFlight = 0;
    let maxKeepalive = 0;
    const flags: boolean[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      const size = (init.body as Uint8Array).byteLength;
      flags.push(init.keepalive === true);
      if (init.keepalive) keepaliveInFlight += size;
      maxKeepalive = Math.max(maxKeepalive, keepaliveInFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (init.keepalive) keepaliveInFlight -= size;
      return new Response('{"id":"1"}', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const disconnect = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch, client });
    disconnects.push(disconnect);
    for (let i = 0; i < 6; i++) Sentry.captureException(new Error(`big ${i}`), { extra: { blob: 'x'.repeat(20_000) } });
    await Sentry.flush(2000);
    for (let i = 0; i < 200 && disconnect.stats().sent < 6; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(disconnect.stats().sent).toBe(6);
    expect(maxKeepalive).toBeLessThanOrEqual(60_000);
    expect(flags.slice(0, 3)).toEqual([true, true, false]);
  });

  it('sends a keepalive request the browser refuses again as a plain request', async () => {
    const sent: boolean[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      if (init.keepalive) throw new TypeError('Failed to fetch');
      sent.push(Boolean(init.keepalive));
      return new Response('{"id":"1"}', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const disconnect = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch, client });
    disconnects.push(disconnect);
    Sentry.captureException(new Error('quota used up by the page'));
    await Sentry.flush(2000);
    for (let i = 0; i < 100 && disconnect.stats().sent < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toEqual([false]);
    expect(disconnect.stats()).toEqual({ connected: true, sent: 1, failed: 0, dropped: 0 });
  });

  it('sends each envelope once when the page connects twice, and keeps sending until the last one leaves', async () => {
    const { posted, fetch } = recordingFetch();
    const seen: string[][] = [];
    const first = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch, client });
    const second = connectBrowserSdk({ sidecarUrl: 'http://localhost:8969', fetch, client, onTraceIds: (ids) => seen.push([...ids]) });
    disconnects.push(second);
    Sentry.captureException(new Error('once'));
    await Sentry.flush(2000);
    expect(posted.map((p) => p.types)).toEqual([['event']]);
    first.disconnect();
    let traceId = '';
    Sentry.startNewTrace(() =>
      Sentry.startSpan({ name: 'after first left' }, (span) => {
        traceId = span.spanContext().traceId;
      }),
    );
    Sentry.captureException(new Error('still sent'));
    await Sentry.flush(2000);
    expect(posted.filter((p) => p.types.includes('event'))).toHaveLength(2);
    expect(seen.at(-1)).toContain(traceId);
  });

  it('without a DSN, the integration sets the SDK up and makes it propagate traces', async () => {
    const { posted, fetch } = recordingFetch();
    Sentry.init({
      integrations: [spotlightBrowserIntegration({ sidecarUrl: 'http://localhost:8969', fetch })],
      tracesSampleRate: 1,
      defaultIntegrations: false,
    });
    let traceId = '';
    let traceData: Record<string, string | undefined> = {};
    Sentry.startSpan({ name: 'local page' }, (span) => {
      traceId = span.spanContext().traceId;
      traceData = Sentry.getTraceData?.() ?? {};
    });
    Sentry.captureException(new Error('no dsn'));
    await Sentry.flush(2000);
    // SDK 11 streams spans; older ones send transactions.
    const types = posted.flatMap((p) => p.types);
    expect(types).toContain('event');
    expect(types.filter((t) => t === 'span' || t === 'transaction')).toHaveLength(1);
    // Propagation (sentry-trace/baggage on the page's requests) needs an enabled SDK.
    expect(typeof Sentry.getClient()?.getTransport()?.send).toBe('function');
    if (Sentry.isEnabled) expect(Sentry.isEnabled()).toBe(true);
    if (Sentry.getTraceData) expect(traceData['sentry-trace']).toMatch(new RegExp(`^${traceId}-`));
  });
}
