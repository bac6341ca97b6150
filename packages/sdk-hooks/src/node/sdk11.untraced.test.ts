import { get } from 'node:http';
import * as Sentry from '@sentry/node';
import { parseEnvelope } from '@spotlight/envelope';
import { afterAll, describe, expect, it } from 'vitest';
import { init } from './init.ts';
import { itemsOf } from './test/sdkScenarios.ts';
import { fakeSidecar, startServer, type TestServer } from './test/servers.ts';

/** Every span's name and URL-ish attributes, from the span-v2 containers SDK 11 sends. */
function spanTexts(envelopes: ReturnType<typeof parseEnvelope>[]): string[] {
  return itemsOf(
    envelopes.map((envelope) => ({ envelope })),
    'span',
  ).flatMap(({ payload }) =>
    (payload as { items: { name: string; attributes?: Record<string, { value: unknown }> }[] }).items.map(
      (span) => `${String(span.attributes?.['sentry.op']?.value)} ${span.name} ${String(span.attributes?.['url.full']?.value ?? '')}`,
    ),
  );
}

describe('@sentry/node 11: Spotlight is invisible to the app it watches', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('records no span and no breadcrumb about its own requests, while the app request is traced', async () => {
    const sidecar = await fakeSidecar();
    const app = await startServer((_req, res) => res.end('ok'));
    servers.push(sidecar, app);
    const handle = init({
      sentry: Sentry,
      env: { SPOTLIGHT_PORT: String(sidecar.port), SPOTLIGHT_STATE_FILE: '/nonexistent/spotlight.json' },
    });
    expect(handle.enabled).toBe(true);

    for (let round = 0; round < 2; round++) {
      await Sentry.startSpan({ name: `round-${round}` }, async () => {
        await new Promise<void>((resolve) => get(`${app.url}/work`, (res) => res.resume().on('end', resolve)));
        Sentry.captureException(new Error(`round ${round}`));
      });
      expect(await Sentry.flush(5000)).toBe(true);
    }

    const envelopes = sidecar.requests.filter((r) => r.url === '/stream').map((r) => parseEnvelope(new Uint8Array(r.body)));
    const texts = spanTexts(envelopes);
    expect(texts.filter((t) => t.startsWith('http.client') && t.includes(`${app.url}/work`))).toHaveLength(2);
    // The stand-in sidecar runs in this process, so the SDK traces its *server* side; a real sidecar is
    // another process. What matters is that no client span is about Spotlight's sends.
    expect(texts.filter((t) => !t.startsWith('http.server') && t.includes(String(sidecar.port)))).toEqual([]);
    expect(texts.filter((t) => t.startsWith('http.client')).every((t) => t.includes(`${app.url}/work`))).toBe(true);
    const breadcrumbs = itemsOf(
      envelopes.map((envelope) => ({ envelope })),
      'event',
    ).flatMap(({ payload }) => (payload as { breadcrumbs?: { data?: { url?: string } }[] }).breadcrumbs ?? []);
    expect(breadcrumbs.some((b) => b.data?.url?.includes(`${app.url}/work`))).toBe(true);
    expect(breadcrumbs.filter((b) => JSON.stringify(b).includes(String(sidecar.port)))).toEqual([]);
    expect(breadcrumbs.filter((b) => b.data?.url !== undefined).every((b) => b.data?.url?.includes(`${app.url}/work`))).toBe(true);
    expect(sidecar.requests.filter((r) => r.url === '/health')).toHaveLength(1);
  });
});
