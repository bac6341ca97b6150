import { describe, expect, it } from 'vitest';
import type { StoredEnvelope } from './store.ts';
import { createTraceSelector, type Trace, type TraceNode, waterfallRows } from './traces.ts';
import { firstPayload, storedFixture } from './tracesFixtures.ts';

/** The waterfall as text: indentation for depth, name and service; missing parents as `?`. */
function outline(trace: Trace, collapsed?: ReadonlySet<string>): string[] {
  return waterfallRows(trace, collapsed).map(({ depth, node }) => `${'  '.repeat(depth)}${describeNode(node)}`);
}

function describeNode(node: TraceNode): string {
  if (node.kind === 'missing-parent') return `? ${node.reason} parent ${node.parentSpanId}`;
  return `${node.span.name} [${node.span.op ?? '-'}] (${node.span.service.label})${node.span.status === 'ok' || node.span.status === undefined ? '' : ` ${node.span.status}`}`;
}

type V2Container = { items: { span_id: string; parent_span_id?: string; is_segment: boolean }[] };

const SPAN_V2 = 'sentry-node-11.12/span.envelope';
const EXPRESS = [
  'express-web-span',
  'express-web-log',
  'express-api-event',
  'express-web-session',
  'express-api-span',
  'express-api-log',
  'express-api-sessions',
].map((name) => `sentry-node-11.12/${name}.envelope`);

function expressStore(names = EXPRESS): StoredEnvelope[] {
  return names.map((name, i) => storedFixture(name, `e${i}`, 1000 + i));
}

describe('traces from span-v2 containers (@sentry/node 11)', () => {
  const select = createTraceSelector();
  const index = select([storedFixture(SPAN_V2, 's1', 1000)]);
  const trace = index.traces[0] as Trace;

  it('builds the exact tree of the five spans', () => {
    expect(index.traces).toHaveLength(1);
    expect(trace.traceId).toBe('d953b6aa6fd14930be83e9daf81fae75');
    expect(outline(trace)).toEqual([
      'probe-transaction (url) [probe.tx] (node · probe@1.0.0)',
      '  child-1 db query [db.query] (node · probe@1.0.0)',
      '  child-2 http call [http.client] (node · probe@1.0.0)',
      '    grandchild-2a serialize [serialize] (node · probe@1.0.0)',
      '  child-3 render [render] (node · probe@1.0.0)',
    ]);
  });

  it('summarizes the trace', () => {
    expect(trace.name).toBe('probe-transaction (url)');
    expect(trace.rootSpan?.spanId).toBe('945ac1442566a325');
    expect(trace.rootless).toBe(false);
    expect(trace.spans).toHaveLength(5);
    expect(trace.start).toBe(1795510029825.232);
    expect(trace.duration).toBeCloseTo(19.466, 3);
    expect(trace.services.map((s) => s.label)).toEqual(['node · probe@1.0.0']);
    expect(trace.status).toBe('ok');
    expect(trace.orphanCount).toBe(0);
    expect(trace.spans.every((s) => s.source === 'span-v2')).toBe(true);
  });

  it('keeps span attributes as plain values', () => {
    const child = trace.spans.find((s) => s.name === 'child-1 db query');
    expect(child?.attributes['sentry.op']).toBe('db.query');
    expect(child?.attributes['sentry.is_localhost']).toBe(false);
    expect(trace.rootSpan?.attributes['device.memory_size']).toBe(25276026880);
    expect(child?.duration).toBeCloseTo(4.6, 3);
  });

  it('links the error and the log that carry its trace id', () => {
    const joined = createTraceSelector()([
      storedFixture('sentry-node-11.12/event.envelope', 'a', 1),
      storedFixture(SPAN_V2, 'b', 2),
      storedFixture('sentry-node-11.12/log.envelope', 'c', 3),
    ]).traces[0];
    expect(joined?.errors.map((e) => [e.title, e.eventId, e.spanId])).toEqual([
      ['Error: probe error (url)', 'c338dc2e74ec4fa8b7fa2c44d7ed9f2d', '8a47edf6b2b90259'],
    ]);
    expect(joined?.logs.map((l) => [l.level, l.message])).toEqual([['info', 'probe log line (url)']]);
    // A handled error does not fail the spans: the status stays theirs, errors are counted apart.
    expect(joined?.status).toBe('ok');
  });
});

describe('traces from transaction items (@sentry/node 10)', () => {
  it('makes the transaction the root and its spans the tree', () => {
    const trace = createTraceSelector()([storedFixture('sentry-node-10.78/transaction.envelope', 't1', 1000)]).traces[0] as Trace;
    expect(trace.traceId).toBe('489b04cf34c640aab87f40ecb876eee1');
    expect(outline(trace)).toEqual([
      'probe-transaction (url) [probe.tx] (node · probe@1.0.0)',
      '  child-1 db query [db.query] (node · probe@1.0.0)',
      '  child-2 http call [http.client] (node · probe@1.0.0)',
      '    grandchild-2a serialize [serialize] (node · probe@1.0.0)',
      '  child-3 render [render] (node · probe@1.0.0)',
    ]);
    expect(trace.spans.map((s) => s.source)).toEqual(['transaction', 'transaction', 'transaction', 'transaction', 'transaction']);
    expect(trace.duration).toBeCloseTo(35.997, 3);
    expect(trace.rootSpan?.service.runtime).toBe('node v20.20.2');
    expect(trace.rootSpan?.attributes['sentry.source']).toBe('custom');
  });
});

describe('traces across services', () => {
  it('joins the web and the api service into one trace by trace id', () => {
    const index = createTraceSelector()(expressStore());
    expect(index.traces).toHaveLength(1);
    const trace = index.traces[0] as Trace;
    expect(trace.traceId).toBe('745dcfcc57a74120a3e803ba744eb5f8');
    expect(outline(trace)).toEqual([
      'GET /dashboard [http.server] (node · web@2.0.0)',
      '  GET 127.0.0.1 [http.client] (node · web@2.0.0)',
      '    GET /api/items [http.server] (node · api@1.0.0)',
      '      /api/items [handler] (node · api@1.0.0)',
      '        SELECT * FROM items [db.query] (node · api@1.0.0)',
      '  GET 127.0.0.1 [http.client] (node · web@2.0.0) error',
      '    GET /api/fail [http.server] (node · api@1.0.0) error',
      '      /api/fail [handler] (node · api@1.0.0) error',
    ]);
    expect(trace.name).toBe('GET /dashboard');
    expect(trace.services.map((s) => s.label)).toEqual(['node · web@2.0.0', 'node · api@1.0.0']);
    expect(trace.status).toBe('error');
    expect(trace.errors.map((e) => [e.title, e.service.label])).toEqual([['Error: item 42 not found', 'node · api@1.0.0']]);
    expect([...trace.errorSpanIds]).toEqual(['9d66a08ac5ca3d63']);
    expect(trace.logs.map((l) => [l.message, l.service.label])).toEqual([
      ['dashboard cache is cold', 'node · web@2.0.0'],
      ['loaded 3 items for dashboard', 'node · api@1.0.0'],
    ]);
  });

  it('shows the api spans under their missing parents until the caller arrives, then joins them', () => {
    const select = createTraceSelector();
    const apiOnly = expressStore().filter((s) => s.id === 'e4');
    const before = select(apiOnly).traces[0] as Trace;
    expect(before.rootless).toBe(true);
    expect(before.name).toBe('GET /api/items');
    expect(before.orphanCount).toBe(2);
    expect(outline(before)).toEqual([
      '? missing parent b70656fbc55e759b',
      '  GET /api/items [http.server] (node · api@1.0.0)',
      '    /api/items [handler] (node · api@1.0.0)',
      '      SELECT * FROM items [db.query] (node · api@1.0.0)',
      '? missing parent 925e67eaf35a1272',
      '  GET /api/fail [http.server] (node · api@1.0.0) error',
      '    /api/fail [handler] (node · api@1.0.0) error',
    ]);
    const after = select([...apiOnly, storedFixture('sentry-node-11.12/express-web-span.envelope', 'late', 2000)]).traces[0] as Trace;
    expect(after.rootless).toBe(false);
    expect(after.orphanCount).toBe(0);
    expect(after.name).toBe('GET /dashboard');
    expect(after.spans).toHaveLength(8);
  });

  it('builds the same tree whatever order the envelopes arrive in', () => {
    const forward = createTraceSelector()(expressStore()).traces[0] as Trace;
    const backward = createTraceSelector()(expressStore([...EXPRESS].reverse())).traces[0] as Trace;
    expect(outline(backward)).toEqual(outline(forward));
  });
});

const BROWSER = [
  'sentry-browser-11.12/pageload-session.envelope',
  'sentry-browser-11.12/pageload-session-2.envelope',
  'sentry-browser-11.12/pageload-event.envelope',
  'sentry-node-11.12/browser-api-event.envelope',
  'sentry-node-11.12/browser-api-span.envelope',
  'sentry-browser-11.12/pageload-span.envelope',
  'sentry-browser-11.12/pageload-log.envelope',
  'sentry-node-11.12/browser-api-log.envelope',
  'sentry-node-11.12/browser-api-span-2.envelope',
  'sentry-node-11.12/browser-api-sessions.envelope',
];

describe('a browser page load that calls an Express api (@sentry/browser 11 + @sentry/node 11)', () => {
  const index = createTraceSelector()(BROWSER.map((name, i) => storedFixture(name, `b${i}`, 1000 + i)));
  const trace = index.byId.get('228a29fec3fc4583b86ff81409faba17') as Trace;

  it('is one trace holding the browser and the server spans, each labelled with its service', () => {
    expect(index.traces.map((t) => [t.name, t.spans.length])).toEqual([
      ['GET /flush', 1],
      ['Pageload', 23],
    ]);
    expect(trace.services.map((s) => s.label)).toEqual(['browser · shop-web@3.1.0', 'node · api@1.0.0']);
    expect(trace.rootSpan?.op).toBe('pageload');
    const rows = outline(trace);
    expect(rows[0]).toBe('Pageload [pageload] (browser · shop-web@3.1.0)');
    const items = rows.findIndex((r) => r.includes('http://') || r.startsWith('  GET 127.0.0.1'));
    expect(rows.slice(items, items + 5)).toEqual([
      '  GET 127.0.0.1 [http.client] (browser · shop-web@3.1.0)',
      '    GET /api/items [http.server] (node · api@1.0.0)',
      '      cors [middleware] (node · api@1.0.0)',
      '      /api/items [handler] (node · api@1.0.0)',
      '        SELECT * FROM items [db.query] (node · api@1.0.0)',
    ]);
    expect(rows.filter((r) => r.includes('(node · api@1.0.0)'))).toHaveLength(7);
    expect(rows).toContain('  GET 127.0.0.1 [http.client] (browser · shop-web@3.1.0) error');
    expect(rows).toContain('    GET /api/fail [http.server] (node · api@1.0.0) error');
    expect(trace.orphanCount).toBe(0);
  });

  it("links the browser's and the backend's errors and logs", () => {
    expect(trace.errors.map((e) => [e.title, e.service.label])).toEqual([
      ["SyntaxError: Expected property name or '}' in JSON at position 1 (line 1 column 2)", 'browser · shop-web@3.1.0'],
      ['Error: item 42 not found', 'node · api@1.0.0'],
    ]);
    expect(trace.logs.map((l) => [l.message, l.service.label])).toEqual([
      ['dashboard opened by ada', 'browser · shop-web@3.1.0'],
      ['loaded 3 items for dashboard', 'node · api@1.0.0'],
    ]);
    expect(trace.status).toBe('error');
  });
});

describe('traces from broken or partial data', () => {
  it('keeps spans whose parent never arrived (no root: still one trace, named after its segment)', () => {
    const withoutSegment = storedFixture(SPAN_V2, 'o1', 1000, (envelope) => {
      const container = firstPayload<V2Container>(envelope);
      container.items = container.items.filter((s) => !s.is_segment);
    });
    const index = createTraceSelector()([withoutSegment]);
    expect(index.traces).toHaveLength(1);
    const trace = index.traces[0] as Trace;
    expect(trace.rootless).toBe(true);
    expect(trace.rootSpan).toBeUndefined();
    expect(trace.name).toBe('probe-transaction (url)');
    expect(trace.op).toBeUndefined();
    expect(trace.orphanCount).toBe(3);
    expect(outline(trace)).toEqual([
      '? missing parent 945ac1442566a325',
      '  child-1 db query [db.query] (node · probe@1.0.0)',
      '  child-2 http call [http.client] (node · probe@1.0.0)',
      '    grandchild-2a serialize [serialize] (node · probe@1.0.0)',
      '  child-3 render [render] (node · probe@1.0.0)',
    ]);
  });

  it('deduplicates spans that arrive twice', () => {
    const trace = createTraceSelector()([storedFixture(SPAN_V2, 'd1', 1), storedFixture(SPAN_V2, 'd2', 2)]).traces[0] as Trace;
    expect(trace.spans).toHaveLength(5);
    expect(outline(trace)).toHaveLength(5);
  });

  it('shows spans whose parents form a loop instead of losing them', () => {
    const looped = storedFixture(SPAN_V2, 'l1', 1000, (envelope) => {
      const container = firstPayload<V2Container>(envelope);
      container.items = container.items.filter((s) => s.span_id === '8fb74208770d6c1d' || s.span_id === 'a5b526a2dba86382');
      // child-1 and child-2 name each other as parent.
      for (const span of container.items)
        span.parent_span_id = span.span_id === '8fb74208770d6c1d' ? 'a5b526a2dba86382' : '8fb74208770d6c1d';
    });
    const trace = createTraceSelector()([looped]).traces[0] as Trace;
    expect(trace.spans).toHaveLength(2);
    expect(outline(trace)).toEqual([
      '? loop parent a5b526a2dba86382',
      '  child-1 db query [db.query] (node · probe@1.0.0)',
      '    child-2 http call [http.client] (node · probe@1.0.0)',
    ]);
  });

  it('reads standalone span items (one span per item, SpanJSON form)', () => {
    const standalone = storedFixture('sentry-node-10.78/transaction.envelope', 'x1', 1000, (envelope) => {
      const transaction = firstPayload<{ spans: Record<string, unknown>[] }>(envelope);
      envelope[1] = transaction.spans.slice(0, 2).map((span) => [{ type: 'span' }, span]);
    });
    const trace = createTraceSelector()([standalone]).traces[0] as Trace;
    expect(trace.rootless).toBe(true);
    expect(outline(trace)).toEqual([
      '? missing parent 862f3109abd4ff51',
      '  child-1 db query [db.query] (node)',
      '  child-2 http call [http.client] (node)',
    ]);
    expect(trace.spans.map((s) => s.source)).toEqual(['span', 'span']);
  });

  it('ignores payloads that are not spans without failing', () => {
    const junk: StoredEnvelope = {
      id: 'j1',
      receivedAt: 1,
      envelope: [
        {},
        [
          [{ type: 'span' }, { items: [null, 1, 'x', { span_id: 'zz' }, { span_id: 'abc', trace_id: 'def' }] }],
          [{ type: 'transaction' }, []],
        ],
      ],
    };
    expect(createTraceSelector()([junk]).traces).toEqual([]);
  });
});

describe('trace selector', () => {
  it('lists traces newest first and reuses unchanged traces', () => {
    const select = createTraceSelector();
    const first = [storedFixture(SPAN_V2, 'a', 1), storedFixture('sentry-node-10.78/transaction.envelope', 'b', 2)];
    const one = select(first);
    expect(one.traces.map((t) => t.traceId)).toEqual(['489b04cf34c640aab87f40ecb876eee1', 'd953b6aa6fd14930be83e9daf81fae75']);
    expect(select(first)).toBe(one);
    const two = select([...first, storedFixture('sentry-node-11.12/log.envelope', 'c', 3)]);
    expect(two.byId.get('489b04cf34c640aab87f40ecb876eee1')).toBe(one.byId.get('489b04cf34c640aab87f40ecb876eee1'));
    expect(two.byId.get('d953b6aa6fd14930be83e9daf81fae75')).not.toBe(one.byId.get('d953b6aa6fd14930be83e9daf81fae75'));
    expect(two.byId.get('d953b6aa6fd14930be83e9daf81fae75')?.logs).toHaveLength(1);
  });

  it('hides the children of collapsed nodes', () => {
    const trace = createTraceSelector()([storedFixture(SPAN_V2, 'a', 1)]).traces[0] as Trace;
    expect(outline(trace, new Set(['a5b526a2dba86382']))).toEqual([
      'probe-transaction (url) [probe.tx] (node · probe@1.0.0)',
      '  child-1 db query [db.query] (node · probe@1.0.0)',
      '  child-2 http call [http.client] (node · probe@1.0.0)',
      '  child-3 render [render] (node · probe@1.0.0)',
    ]);
  });
});

/** Stored envelopes that count how often a selector reads them (after their first, cached derivation). */
function counted(envelopes: readonly StoredEnvelope[]): { envelopes: StoredEnvelope[]; reads: () => number; reset: () => void } {
  let reads = 0;
  const wrapped = envelopes.map(
    (stored) =>
      new Proxy(stored, {
        get(target, key, receiver) {
          reads += 1;
          return Reflect.get(target, key, receiver);
        },
      }),
  );
  return { envelopes: wrapped, reads: () => reads, reset: () => (reads = 0) };
}

describe('trace selector while the store appends (a replay streaming in)', () => {
  const all = expressStore();
  const late = storedFixture('sentry-node-11.12/express-web-span.envelope', 'late', 2000);

  it('reads only the envelopes appended since its last result', () => {
    const select = createTraceSelector();
    const old = counted(all);
    select(old.envelopes);
    old.reset();
    const next = select([...old.envelopes, late]);
    expect(old.reads()).toBe(0);
    expect(next.byId.get('745dcfcc57a74120a3e803ba744eb5f8')?.rootless).toBe(false);
  });

  it('gives what a selector that sees everything at once gives, batch after batch', () => {
    const select = createTraceSelector();
    const envelopes = [...all, late, storedFixture(SPAN_V2, 'probe', 3000), storedFixture('sentry-node-11.12/log.envelope', 'log', 3001)];
    for (let end = 1; end <= envelopes.length; end += 2) {
      const batch = envelopes.slice(0, end);
      expect(select(batch)).toEqual(createTraceSelector()(batch));
    }
    expect(select(envelopes)).toEqual(createTraceSelector()(envelopes));
  });

  it('leaves earlier results as they were when a trace grows', () => {
    const select = createTraceSelector();
    const first = [storedFixture(SPAN_V2, 'a', 1)];
    const before = select(first);
    const traceId = 'd953b6aa6fd14930be83e9daf81fae75';
    const after = select([...first, storedFixture('sentry-node-11.12/log.envelope', 'b', 2)]);
    expect(after.byId.get(traceId)?.logs).toHaveLength(1);
    expect(after.envelopesByTrace.get(traceId)).toEqual(['a', 'b']);
    expect(before.byId.get(traceId)?.logs).toHaveLength(0);
    expect(before.envelopesByTrace.get(traceId)).toEqual(['a']);
    expect(before.logsByTrace.get(traceId)).toBeUndefined();
  });

  it('starts over when the oldest envelopes were dropped or the store was cleared', () => {
    const select = createTraceSelector();
    select(all);
    expect(select(all.slice(2))).toEqual(createTraceSelector()(all.slice(2)));
    expect(select([]).traces).toEqual([]);
    expect(select(all)).toEqual(createTraceSelector()(all));
  });
});
