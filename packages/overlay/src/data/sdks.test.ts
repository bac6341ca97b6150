import { describe, expect, it } from 'vitest';
import { createSelector } from './derive.ts';
import { dsnHint, type SdkSummary, sdkLanguage, sdks as sdkRows } from './sdks.ts';
import type { StoredEnvelope } from './store.ts';
import { storedFixture } from './tracesFixtures.ts';

const selectSdks = (envelopes: readonly StoredEnvelope[]) => createSelector(sdkRows)(envelopes);

const NAMES = [
  'sentry-node-10.78/session.envelope',
  'sentry-node-10.78/event.envelope',
  'sentry-node-10.78/transaction.envelope',
  'sentry-node-10.78/log.envelope',
  'sentry-node-11.12/session.envelope',
  'sentry-node-11.12/event.envelope',
  'sentry-node-11.12/span.envelope',
  'sentry-node-11.12/log.envelope',
  'sentry-node-11.12/express-web-span.envelope',
  'sentry-node-11.12/express-web-log.envelope',
  'sentry-node-11.12/express-api-event.envelope',
  'sentry-node-11.12/express-web-session.envelope',
  'sentry-node-11.12/express-api-span.envelope',
  'sentry-node-11.12/express-api-log.envelope',
  'sentry-node-11.12/express-api-sessions.envelope',
];

function store(): StoredEnvelope[] {
  return NAMES.map((name, i) => storedFixture(name, `e${i}`, 1000 * (i + 1)));
}

function row(sdks: readonly SdkSummary[], release: string, version: string): SdkSummary {
  const found = sdks.find((s) => s.release === release && s.version === version);
  if (found === undefined) throw new Error(`no SDK row for ${release} ${version}`);
  return found;
}

describe('SDK summaries', () => {
  const sdks = selectSdks(store());

  it("has one row per SDK version and service, most recently seen first (by the SDKs' clocks)", () => {
    expect(
      sdks.map((s) => [s.service.label, s.version, s.envelopes, new Date(s.firstSeen).toISOString(), new Date(s.lastSeen).toISOString()]),
    ).toEqual([
      ['node · api@1.0.0', '11.12.0', 4, '2026-11-24T10:35:18.312Z', '2026-11-24T10:35:18.586Z'],
      ['node · web@2.0.0', '11.12.0', 3, '2026-11-24T10:35:18.259Z', '2026-11-24T10:35:18.491Z'],
      ['node · probe@1.0.0', '10.78.0', 4, '2026-11-24T08:47:18.812Z', '2026-11-24T08:47:18.827Z'],
      ['node · probe@1.0.0', '11.12.0', 4, '2026-11-24T08:47:09.834Z', '2026-11-24T08:47:09.846Z'],
    ]);
  });

  it('counts what each SDK sent by kind', () => {
    expect(row(sdks, 'api@1.0.0', '11.12.0').counts).toEqual({ error: 1, span: 5, log: 1, session: 1 });
    expect(row(sdks, 'web@2.0.0', '11.12.0').counts).toEqual({ span: 3, log: 1, session: 1 });
    expect(row(sdks, 'probe@1.0.0', '11.12.0').counts).toEqual({ session: 1, error: 1, span: 5, log: 1 });
    expect(row(sdks, 'probe@1.0.0', '10.78.0').counts).toEqual({ session: 1, error: 1, transaction: 1, log: 1 });
  });

  it('shows the process and configuration each SDK reported', () => {
    const api = row(sdks, 'api@1.0.0', '11.12.0');
    expect(api).toMatchObject({
      name: 'sentry.javascript.node',
      environment: 'development',
      serverName: 'dev-laptop',
      runtime: 'node v20.20.2',
      platform: 'node',
    });
    expect(api.integrations).toContain('Express');
    expect(api.integrations).toContain('Spotlight');
    const web = row(sdks, 'web@2.0.0', '11.12.0');
    // Web sent no event: its host comes from its logs, its integrations from its segment span.
    expect([web.serverName, web.runtime, web.platform, web.integrations.includes('SpanStreaming')]).toEqual([
      'dev-laptop',
      undefined,
      undefined,
      true,
    ]);
  });

  it('tells each SDK how to send the same to Sentry', () => {
    expect(row(sdks, 'api@1.0.0', '11.12.0').hint).toEqual({
      language: 'node',
      env: 'SENTRY_DSN=https://<key>@<org>.ingest.sentry.io/<project>',
      code: 'Sentry.init({\n  dsn: process.env.SENTRY_DSN,\n  release: "api@1.0.0",\n  environment: \'production\',\n});',
    });
  });

  it('counts an envelope without release toward the latest row of the same SDK', () => {
    const withClientReport = [
      ...store(),
      {
        id: 'cr',
        receivedAt: 20_000,
        envelope: [
          { sent_at: '2026-11-24T10:40:00.000Z', sdk: { name: 'sentry.javascript.node', version: '11.12.0' } },
          [[{ type: 'client_report' }, { discarded_events: [] }]],
        ],
      } satisfies StoredEnvelope,
    ];
    const api = row(selectSdks(withClientReport), 'api@1.0.0', '11.12.0');
    expect(api.counts.client_report).toBe(1);
    expect(new Date(api.lastSeen).toISOString()).toBe('2026-11-24T10:40:00.000Z');
  });

  it("sums what the SDK's client reports say was dropped, on its row", () => {
    const report = (id: string, discarded: unknown[]): StoredEnvelope => ({
      id,
      receivedAt: 20_000,
      envelope: [
        { sent_at: '2026-11-24T10:40:00.000Z', sdk: { name: 'sentry.javascript.node', version: '11.12.0' } },
        [[{ type: 'client_report' }, { timestamp: 1, discarded_events: discarded }]],
      ],
    });
    const sdks = selectSdks([
      ...store(),
      report('cr1', [
        { reason: 'queue_overflow', category: 'error', quantity: 300 },
        { reason: 'network_error', category: 'span', quantity: 4 },
      ]),
      report('cr2', [
        { reason: 'queue_overflow', category: 'error', quantity: 20 },
        { reason: 'queue_overflow', category: 'error', quantity: -5 },
        { reason: 'queue_overflow', category: 'error', quantity: 'many' },
      ]),
    ]);
    expect(row(sdks, 'api@1.0.0', '11.12.0').discarded).toEqual([
      { reason: 'queue_overflow', category: 'error', quantity: 320 },
      { reason: 'network_error', category: 'span', quantity: 4 },
    ]);
    expect(row(sdks, 'web@2.0.0', '11.12.0').discarded).toEqual([]);
  });

  it('skips envelopes that name no SDK', () => {
    expect(selectSdks([{ id: 'x', receivedAt: 1, envelope: [{}, [[{ type: 'event' }, { message: 'hi' }]]] }])).toEqual([]);
  });
});

describe('DSN hints', () => {
  it('recognizes the SDK language', () => {
    expect(
      [
        ['sentry.javascript.node', undefined],
        ['sentry.javascript.browser', undefined],
        ['sentry.javascript.react', 'javascript'],
        ['sentry.javascript.nextjs', 'node'],
        ['sentry.python', undefined],
        ['sentry.python.django', 'python'],
        ['sentry.cocoa', 'cocoa'],
      ].map(([name, platform]) => sdkLanguage(name as string, platform)),
    ).toEqual(['node', 'browser', 'browser', 'node', 'python', 'python', 'other']);
  });

  it('writes a Python init', () => {
    expect(dsnHint('python', 'shop@3').code).toBe(
      'sentry_sdk.init(\n    dsn=os.environ["SENTRY_DSN"],\n    release="shop@3",\n    environment="production",\n)',
    );
  });
});
