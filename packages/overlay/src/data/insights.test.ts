import { describe, expect, it } from 'vitest';
import { attachmentKind, attachmentText } from './attachments.ts';
import { selectFeedback } from './feedback.ts';
import { selectErrorEvents } from './grouping.ts';
import { routeTemplate } from './http.ts';
import { createInsightsSelector, findNPlusOneQueries, insightsOfEnvelopes, profilesForSpan } from './insights.ts';
import { llmTotals } from './llm.ts';
import { createProfileSelector, profileSlice } from './profiles.ts';
import { resolveInsightOptions } from './queries.ts';
import type { StoredEnvelope } from './store.ts';
import { createTraceSelector } from './traces.ts';
import { storedFixture } from './tracesFixtures.ts';
import { rateVital } from './vitals.ts';

// Captured by fixtures/capture/insights/run.mjs (@sentry/node 11.1 + knex/better-sqlite3, OpenAI, profiling)
// and fixtures/capture/browser-vitals/run.mjs (@sentry/browser 11.12 in Chromium).
const NODE = [
  'insights-orders-span',
  'insights-stock-span',
  'insights-invoice-span',
  'insights-assistant-span',
  'insights-fail-span',
  'insights-event+attachment',
  'insights-feedback',
  'insights-profile_chunk',
  'insights-profile_chunk-2',
  'insights-profile_chunk-3',
].map((name) => `sentry-node-11.1/${name}.envelope`);
const BROWSER = ['vitals-span', 'vitals-span-2'].map((name) => `sentry-browser-11.12/${name}.envelope`);

function store(names: readonly string[]): StoredEnvelope[] {
  return names.map((name, i) => storedFixture(name, `e${i}`, 1000 + i));
}

describe('queries and N+1 (knex over better-sqlite3)', () => {
  const envelopes = store(NODE);
  const insights = insightsOfEnvelopes(envelopes);

  it('flags the loop: 8 runs of one statement under the request span, and what they cost', () => {
    const loops = insights.findings.filter((f) => f.kind === 'n-plus-one');
    expect(loops).toHaveLength(1);
    const [loop] = loops;
    expect(loop?.key).toBe('select * from `customers` where `id` = ? limit ?');
    expect(loop?.count).toBe(8);
    expect(loop?.totalMs).toBeCloseTo(9.443998336791992, 3);
    const trace = insights.byTrace.get(loop?.traceId ?? '');
    expect(trace?.trace.rootSpan?.spanId).toBe(loop?.parentSpanId);
    // Every span of the loop is marked, the other query is not.
    expect(loop?.spanIds.every((id) => trace?.repeats.get(id) === loop)).toBe(true);
    const other = trace?.queries.runs.find((r) => r.normalized.includes('`orders`'));
    expect(other !== undefined && trace?.repeats.has(other.span.spanId)).toBe(false);
  });

  it('groups queries by normalized statement with count, total and percentiles', () => {
    expect(insights.queries.map((q) => [q.statement, q.system, q.count, q.nPlusOne.length])).toEqual([
      ['select * from `customers` where `id` = ? limit ?', 'better-sqlite3', 8, 1],
      ['select * from `orders` where `total` > ? limit ?', 'better-sqlite3', 1, 0],
    ]);
    const [customers] = insights.queries;
    expect(customers?.totalMs).toBeCloseTo(9.443998336791992, 3);
    expect(customers?.p50).toBeCloseTo(0.44608116149902344, 3);
    expect(customers?.p95).toBeCloseTo(6.370306015014648, 3);
    expect(customers?.traceIds).toHaveLength(1);
    expect(customers?.slowCount).toBe(0);
  });

  it('marks slow queries over the configured threshold, and takes a lower N+1 bar', () => {
    const strict = insightsOfEnvelopes(envelopes, resolveInsightOptions({ slowQueryMs: 1, nPlusOneMin: 9 }));
    expect(strict.queries.map((q) => q.slowCount)).toEqual([1, 1]);
    expect(strict.findings.filter((f) => f.kind === 'n-plus-one')).toEqual([]);
    expect(resolveInsightOptions({ nPlusOneMin: -3, slowQueryMs: 'x' })).toEqual({ nPlusOneMin: 5, slowQueryMs: 100, repeatedCallMin: 5 });
  });

  it('answers "which queries are N+1?" from envelopes alone', () => {
    const [report, ...rest] = findNPlusOneQueries(envelopes);
    expect(rest).toEqual([]);
    expect(report).toMatchObject({
      traceName: 'GET',
      statement: 'select * from `customers` where `id` = ? limit ?',
      count: 8,
      parentName: 'GET',
      service: 'node · shop-api@1.4.0',
    });
    expect(report?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a trace selector result reused: per-trace insights are kept', () => {
    const traces = createTraceSelector()(envelopes).traces;
    const select = createInsightsSelector();
    const first = select(traces);
    const again = select([...traces]);
    expect(again).not.toBe(first);
    for (const [id, trace] of first.byTrace) expect(again.byTrace.get(id)).toBe(trace);
  });
});

describe('outgoing HTTP', () => {
  const insights = insightsOfEnvelopes(store(NODE));

  it('templates ids in paths', () => {
    expect(routeTemplate('/inventory/items/42')).toBe('/inventory/items/:id');
    expect(routeTemplate('/inventory/items/a3f9c2d4-1b2e-4c5d-9e8f-0a1b2c3d4e5f')).toBe('/inventory/items/:id');
    expect(routeTemplate('/users/01HZX3K9V7Q2M8N4P6R5T0W1YB/orders?x=1')).toBe('/users/:id/orders');
    expect(routeTemplate('/blog/hello-world-2024')).toBe('/blog/hello-world-2024');
    expect(routeTemplate('/assets/5f2b9c1d8e7a6b3c.js')).toBe('/assets/5f2b9c1d8e7a6b3c.js');
  });

  it('groups by method, host and route with counts, durations and status codes', () => {
    const inventory = insights.http.filter((g) => g.route.startsWith('/inventory'));
    expect(inventory.map((g) => [g.method, g.route, g.count, [...g.statuses], g.errorCount])).toEqual([
      ['GET', '/inventory/items/:id', 8, [[200, 8]], 0],
      ['GET', '/inventory/missing', 1, [[404, 1]], 1],
    ]);
    const [items] = inventory;
    expect(items?.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(items?.totalMs).toBeCloseTo(91.01152420043945, 3);
    expect(items?.p50).toBeCloseTo(6.749629974365234, 3);
    expect(items?.p95).toBeCloseTo(29.994726181030273, 3);
  });

  it('flags the same call repeated in one trace', () => {
    const repeated = insights.findings.filter((f) => f.kind === 'repeated-call');
    expect(repeated).toHaveLength(1);
    expect(repeated[0]?.key).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/inventory\/items\/42\?fields=stock$/);
    expect(repeated[0]?.count).toBe(5);
    expect(repeated[0]?.totalMs).toBeCloseTo(72.16787338256836, 3);
    expect(insights.http.find((g) => g.route === '/inventory/items/:id')?.repeated).toEqual(repeated);
  });
});

describe('LLM calls (OpenAI instrumentation)', () => {
  it('reads model, tokens, latency, prompt and response', () => {
    const { llm } = insightsOfEnvelopes(store(NODE));
    expect(llm).toHaveLength(1);
    const [call] = llm;
    expect(call).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      inputTokens: 31,
      outputTokens: 12,
      totalTokens: 43,
      wrapper: false,
      prompt: '[{"role":"user","content":"Which customer ordered the most?"}]',
      response: '["Customer 3 ordered the most: 4 orders."]',
      system: '[{"type":"text","content":"You answer questions about orders."}]',
    });
    expect(call?.latencyMs).toBeCloseTo(65.11092185974121, 3);
    expect(llmTotals(llm)).toMatchObject({ calls: 1, inputTokens: 31, outputTokens: 12 });
  });
});

describe('web vitals (@sentry/browser pageload in Chromium)', () => {
  it('joins the streamed vital spans to their page load and rates them with web.dev thresholds', () => {
    const { pages } = insightsOfEnvelopes(store(BROWSER));
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page?.page).toBe('/checkout');
    expect(page?.loads).toHaveLength(1);
    expect(page?.loads[0]?.values).toEqual({ lcp: 640, inp: 280, cls: 0.25790849897596574, fcp: 224, ttfb: 135.80000000004657 });
    expect(Object.fromEntries(Object.entries(page?.vitals ?? {}).map(([k, v]) => [k, v.rating]))).toEqual({
      lcp: 'good',
      inp: 'needs-improvement',
      cls: 'poor',
      fcp: 'good',
      ttfb: 'good',
    });
  });

  it('thresholds at their edges', () => {
    expect(rateVital('lcp', 2500)).toBe('good');
    expect(rateVital('lcp', 2501)).toBe('needs-improvement');
    expect(rateVital('lcp', 4001)).toBe('poor');
    expect(rateVital('cls', 0.1)).toBe('good');
    expect(rateVital('inp', 500)).toBe('needs-improvement');
    expect(rateVital('ttfb', 1801)).toBe('poor');
    expect(rateVital('fcp', 1800)).toBe('good');
  });
});

describe('profiles', () => {
  it("profile_chunk (continuous, v2): the request span's flame graph has the hot function on top", () => {
    const envelopes = store(NODE);
    const traces = createTraceSelector()(envelopes);
    const profiles = createProfileSelector()(envelopes);
    expect(profiles.all.map((p) => p.kind)).toEqual(['profile_chunk', 'profile_chunk', 'profile_chunk']);
    const invoice = traces.traces.find((t) => t.spans.some((s) => s.attributes['url.path'] === '/invoice'));
    const span = invoice?.rootSpan;
    if (invoice === undefined || span === undefined) throw new Error('no invoice trace');
    const sources = profilesForSpan(profiles, invoice, span);
    expect(sources).toHaveLength(1);
    const slice = profileSlice(sources, { start: span.start, end: span.end });
    const hot = slice?.functions[0];
    expect(hot?.frame.name).toBe('computeInvoiceTotals');
    expect(hot?.frame.file).toBe('~/app.mjs');
    expect(hot?.frame.inApp).toBe(true);
    expect(slice?.sampleCount).toBeGreaterThan(5);
    // Its time is most of the request's samples, and the flame graph's root holds them all.
    expect((hot?.totalMs ?? 0) / (slice?.root.totalMs ?? 1)).toBeGreaterThan(0.5);
    const sum = slice?.root.children.reduce((total, child) => total + child.totalMs, 0) ?? 0;
    expect(sum + (slice?.root.selfMs ?? 0)).toBeCloseTo(slice?.root.totalMs ?? 0, 3);
  });

  it('profile (transaction-bound, v1, @sentry/node 10)', () => {
    const envelopes = store(['sentry-node-10.75/insights-transaction+profile.envelope']);
    const traces = createTraceSelector()(envelopes);
    const profiles = createProfileSelector()(envelopes);
    const trace = traces.traces[0];
    const span = trace?.rootSpan;
    if (trace === undefined || span === undefined) throw new Error('no trace');
    const sources = profilesForSpan(profiles, trace, span);
    expect(sources.map((s) => [s.kind, s.transactionName, s.samples.length])).toEqual([['profile', 'GET /invoice', 26]]);
    const slice = profileSlice(sources, { start: span.start, end: span.end });
    expect(slice?.functions[0]?.frame.name).toBe('computeInvoiceTotals');
  });

  it('a range with no samples has no slice', () => {
    const profiles = createProfileSelector()(store(NODE));
    expect(profileSlice(profiles.all, { start: 0, end: 1 })).toBeUndefined();
  });
});

describe('feedback and attachments', () => {
  const envelopes = store(NODE);

  it('lists feedback with the event it is about', () => {
    const [feedback, ...rest] = selectFeedback(envelopes);
    expect(rest).toEqual([]);
    const error = selectErrorEvents(envelopes)[0];
    expect(feedback).toMatchObject({
      message: 'Checkout failed after I pressed Pay <script>alert(1)</script>',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      url: 'http://localhost:5173/checkout',
      eventId: error?.eventId,
    });
  });

  it("classifies the error's attachments by type", () => {
    const [error] = selectErrorEvents(envelopes);
    expect(error?.attachments.map((a) => [a.filename, attachmentKind(a)])).toEqual([
      ['request.json', 'json'],
      ['debug.log', 'text'],
      ['screen.png', 'image'],
      ['dump.bin', 'binary'],
    ]);
    const log = error?.attachments[1];
    expect(log !== undefined && attachmentText(log)).toBe('step 1 ok\nstep 2 <b>failed</b>\n');
  });
});
