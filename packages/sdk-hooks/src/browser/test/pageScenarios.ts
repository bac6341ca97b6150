/**
 * How pages really set Sentry and Spotlight up, run against each supported `@sentry/browser` major:
 * both init orders and the integration, with and without a DSN, Sentry's own `spotlight` option, a
 * burst, and a production build. Each scenario starts from a page Sentry has never touched (its
 * global carrier removed), so the SDK is as fresh as on a page load.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { itemJson, parseEnvelope } from '@spotlight/envelope';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { SentryClientLike } from '../../sentry.ts';
import { connectBrowserSdk, type Disconnect, spotlightBrowserIntegration } from '../index.ts';
import type { SentryBrowser } from './bridgeScenarios.ts';

interface Posted {
  readonly types: string[];
  readonly payloads: unknown[];
}

function sidecarRecorder() {
  const posted: Posted[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const envelope = parseEnvelope(init.body as Uint8Array);
    posted.push({ types: envelope.items.map((i) => i.header.type), payloads: envelope.items.map((i) => itemJson(i)) });
    return new Response('{"id":"1"}', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  const ofType = (type: string) => posted.flatMap((p) => p.payloads.filter((_, i) => p.types[i] === type));
  const messages = () => ofType('event').map((e) => (e as { exception?: { values?: { value?: string }[] } }).exception?.values?.[0]?.value);
  return { posted, fetch, ofType, messages };
}

function upstreamRecorder() {
  const envelopes: unknown[] = [];
  const transport = () => ({
    send: async (envelope: unknown) => {
      envelopes.push(envelope);
      return {};
    },
    flush: async () => true,
  });
  return { envelopes, transport };
}

/** What a browser does with an uncaught error: `window.onerror`, which Sentry's GlobalHandlers wrap. */
function throwUncaught(message: string): void {
  const onerror = (globalThis as { onerror?: ((...args: unknown[]) => unknown) | null }).onerror;
  onerror?.(`Uncaught Error: ${message}`, 'http://localhost:5173/src/main.tsx', 3, 9, new Error(message));
}

/** Flushes the SDK, then waits until `until` holds (at most 3 s), or for a moment when nothing should arrive. */
async function settle(Sentry: SentryBrowser, until?: () => boolean): Promise<void> {
  await Sentry.flush(2000);
  if (!until) return new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < 300 && !until(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const DSN = 'https://public@o1.ingest.sentry.io/1';
const SIDECAR = 'http://localhost:8969';

export function pageScenarios(Sentry: SentryBrowser): void {
  const disconnects: Disconnect[] = [];
  beforeEach(() => {
    Sentry.getCurrentScope().setClient(undefined);
    delete (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
  });
  afterEach(() => {
    for (const d of disconnects.splice(0)) d();
    vi.restoreAllMocks();
  });

  const init = (options: Record<string, unknown>) =>
    Sentry.init({ tracesSampleRate: 1, defaultIntegrations: undefined, sendClientReports: false, ...options });

  for (const withDsn of [false, true]) {
    const dsnLabel = withDsn ? 'with a DSN' : 'without a DSN';

    it(`Spotlight.init, then Sentry.init ${dsnLabel}: uncaught errors, captured errors and spans arrive, propagation works`, async () => {
      const sidecar = sidecarRecorder();
      const upstream = upstreamRecorder();
      const disconnect = connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch });
      disconnects.push(disconnect);
      init(withDsn ? { dsn: DSN, transport: upstream.transport } : {});
      const client = Sentry.getClient() as SentryClientLike & { getIntegrationByName(name: string): unknown };
      // The SDK set its integrations up: an uncaught error is captured.
      expect(client.getIntegrationByName('GlobalHandlers')).toBeDefined();
      throwUncaught('first render failed');
      Sentry.captureException(new Error('captured'));
      let traceData: Record<string, string | undefined> = {};
      let traceId = '';
      Sentry.startSpan({ name: 'page work' }, (span) => {
        traceId = span.spanContext().traceId;
        traceData = Sentry.getTraceData?.() ?? {};
      });
      await settle(
        Sentry,
        () => sidecar.messages().length >= 2 && sidecar.posted.some((p) => p.types.some((t) => t === 'span' || t === 'transaction')),
      );
      expect(sidecar.messages().sort()).toEqual(['captured', 'first render failed']);
      expect(sidecar.posted.flatMap((p) => p.types).filter((t) => t === 'span' || t === 'transaction').length).toBeGreaterThan(0);
      if (Sentry.getTraceData) expect(traceData['sentry-trace']).toMatch(new RegExp(`^${traceId}-`));
      // Sentry gets what it would have got, and only with a DSN.
      expect(upstream.envelopes.length).toBe(withDsn ? sidecar.posted.length : 0);
      expect((client.getOptions() as { tracesSampleRate?: number }).tracesSampleRate).toBe(1);
      expect(disconnect.stats()).toMatchObject({ connected: true, failed: 0, dropped: 0 });
    });

    it(`Sentry.init ${dsnLabel}, then Spotlight.init: the integrations the SDK skipped are set up, everything arrives`, async () => {
      const sidecar = sidecarRecorder();
      const upstream = upstreamRecorder();
      init(withDsn ? { dsn: DSN, transport: upstream.transport } : {});
      disconnects.push(connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch }));
      const client = Sentry.getClient() as SentryClientLike & { getIntegrationByName(name: string): unknown };
      expect(client.getIntegrationByName('GlobalHandlers')).toBeDefined();
      throwUncaught('late');
      Sentry.captureException(new Error('captured late'));
      Sentry.startSpan({ name: 'late span' }, () => {});
      await settle(
        Sentry,
        () => sidecar.messages().length >= 2 && sidecar.posted.some((p) => p.types.some((t) => t === 'span' || t === 'transaction')),
      );
      expect(sidecar.messages().sort()).toEqual(['captured late', 'late']);
      expect(sidecar.posted.some((p) => p.types.some((t) => t === 'span' || t === 'transaction'))).toBe(true);
      expect(upstream.envelopes.length).toBe(withDsn ? sidecar.posted.length : 0);
    });

    it(`spotlightBrowserIntegration() inside Sentry.init ${dsnLabel}: everything arrives once`, async () => {
      const sidecar = sidecarRecorder();
      const upstream = upstreamRecorder();
      init({
        ...(withDsn ? { dsn: DSN, transport: upstream.transport } : {}),
        integrations: [spotlightBrowserIntegration({ sidecarUrl: SIDECAR, fetch: sidecar.fetch })],
      });
      // The overlay connects too, later: still one copy of each envelope.
      disconnects.push(connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch }));
      throwUncaught('with the integration');
      await settle(Sentry, () => sidecar.messages().length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sidecar.messages()).toEqual(['with the integration']);
      expect(upstream.envelopes.length).toBe(withDsn ? sidecar.posted.length : 0);
    });

    it(`500 synchronous errors ${dsnLabel}: all 500 reach the sidecar, none counted as dropped`, async () => {
      const sidecar = sidecarRecorder();
      const upstream = upstreamRecorder();
      const disconnect = connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch });
      disconnects.push(disconnect);
      init(withDsn ? { dsn: DSN, transport: upstream.transport } : {});
      for (let i = 0; i < 500; i++) Sentry.captureException(new Error(`burst ${i}`));
      await settle(Sentry, () => sidecar.messages().length >= 500);
      const messages = sidecar.messages();
      expect(messages).toHaveLength(500);
      expect(new Set(messages).size).toBe(500);
      expect(disconnect.stats()).toMatchObject({ sent: 500, failed: 0, dropped: 0 });
    });
  }

  it("Sentry's own `spotlight: true` next to Spotlight: each envelope reaches the sidecar once, whichever came first", async () => {
    // Sentry's integration posts with the page's native fetch: a real sidecar stand-in counts what it sends.
    const viaSentry: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        viaSentry.push(Buffer.concat(chunks).toString('utf8'));
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const spotlightFirst of [true, false]) {
        Sentry.getCurrentScope().setClient(undefined);
        delete (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
        viaSentry.length = 0;
        const sidecar = sidecarRecorder();
        const label = `once (${spotlightFirst ? 'Spotlight first' : 'Sentry first'})`;
        if (spotlightFirst) disconnects.push(connectBrowserSdk({ sidecarUrl: url, fetch: sidecar.fetch }));
        init({ spotlight: `${url}/stream` });
        if (!spotlightFirst) disconnects.push(connectBrowserSdk({ sidecarUrl: url, fetch: sidecar.fetch }));
        Sentry.captureException(new Error(label));
        Sentry.startSpan({ name: `span ${label}` }, () => {});
        // Traces too, by one path or the other, once.
        const spans = () =>
          [...sidecar.posted.flatMap((p) => p.payloads.map((payload) => JSON.stringify(payload))), ...viaSentry].filter((text) =>
            text.includes(`span ${label}`),
          );
        await settle(Sentry, () => sidecar.messages().length + viaSentry.length >= 1 && spans().length >= 1);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const fromSentry = viaSentry.filter((body) => body.includes(label) && body.includes('"type":"event"'));
        expect(sidecar.messages().length + fromSentry.length).toBe(1);
        expect(spans()).toHaveLength(1);
        // Where Spotlight came first it took the job over: its tap sent the envelope, Sentry's integration did not.
        if (spotlightFirst) expect(sidecar.messages()).toEqual([label]);
        for (const d of disconnects.splice(0)) d();
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts what its queue cannot hold, says so once, and reports it to the sidecar as a client report', async () => {
    const sidecar = sidecarRecorder();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const disconnect = connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch, maxQueued: 5, maxInFlight: 1 });
    disconnects.push(disconnect);
    init({});
    // Envelopes are serialized as the SDK sends them; a burst larger than the queue overflows it.
    for (let i = 0; i < 40; i++) Sentry.captureException(new Error(`overflow ${i}`));
    await settle(Sentry, () => sidecar.ofType('client_report').length >= 1);
    const { sent, dropped } = disconnect.stats();
    expect(dropped).toBeGreaterThan(0);
    expect(sent + dropped).toBe(40);
    expect(sidecar.messages()).toHaveLength(40 - dropped);
    expect(sidecar.ofType('client_report')).toEqual([
      {
        timestamp: expect.any(Number),
        discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: dropped }],
      },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`${dropped} of this page's Sentry events were dropped`);
  });

  it("counts what it could not deliver while the sidecar was down, and reports it in the SDK's name once it answers", async () => {
    const sidecar = sidecarRecorder();
    let down = true;
    const headers: unknown[] = [];
    const flaky = (async (url: string, init: RequestInit) => {
      if (down) throw new TypeError('Failed to fetch');
      headers.push(JSON.parse(new TextDecoder().decode(init.body as Uint8Array).split('\n')[0] ?? '{}'));
      return sidecar.fetch(url, init);
    }) as unknown as typeof fetch;
    const disconnect = connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: flaky });
    disconnects.push(disconnect);
    init({});
    for (let i = 0; i < 3; i++) Sentry.captureException(new Error(`while down ${i}`));
    await settle(Sentry, () => disconnect.stats().failed >= 3);
    expect(disconnect.stats()).toMatchObject({ sent: 0, failed: 3 });
    // No report while nothing answers: it would fail too.
    expect(sidecar.posted).toEqual([]);
    down = false;
    Sentry.captureException(new Error('back'));
    await settle(Sentry, () => sidecar.ofType('client_report').length >= 1);
    expect(sidecar.messages()).toEqual(['back']);
    expect(sidecar.ofType('client_report')).toEqual([
      { timestamp: expect.any(Number), discarded_events: [{ reason: 'network_error', category: 'error', quantity: 3 }] },
    ]);
    const reportHeader = headers.at(-1) as { sdk?: { name?: string } };
    expect(reportHeader.sdk?.name).toBe((headers[0] as { sdk?: { name?: string } }).sdk?.name);
    expect(reportHeader.sdk?.name).toMatch(/^sentry\.javascript\./);
  });

  it("does nothing in a production build (the bundle's NODE_ENV), nor for a client whose environment is production", async () => {
    const sidecar = sidecarRecorder();
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const refused = connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch });
      disconnects.push(refused);
      init({});
      Sentry.captureException(new Error('in production'));
      await settle(Sentry);
      expect(refused.stats()).toEqual({ connected: false, sent: 0, failed: 0, dropped: 0, refused: 'NODE_ENV=production' });
      // The SDK was left as the app set it up: no DSN, no transport.
      expect(Sentry.getClient()?.getTransport()).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
    Sentry.getCurrentScope().setClient(undefined);
    delete (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
    const connection = connectBrowserSdk({ sidecarUrl: SIDECAR, fetch: sidecar.fetch });
    disconnects.push(connection);
    init({ environment: 'production' });
    Sentry.captureException(new Error('environment production'));
    await settle(Sentry);
    expect(sidecar.posted).toEqual([]);
    expect(connection.stats()).toMatchObject({ connected: false, refused: 'Sentry environment "production"' });
  });
}
