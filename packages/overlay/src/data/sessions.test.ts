import { describe, expect, it } from 'vitest';
import { VIEWS } from './index.ts';
import { createSessionSelector, createVisibilitySelector, type Session, type SessionIndex, visibility } from './sessions.ts';
import type { StoredEnvelope } from './store.ts';
import { deriveFrom, firstPayload, storedFixture } from './tracesFixtures.ts';
import { isEnvelopeVisible, isRowVisible, isTraceVisible, type Visibility } from './visibility.ts';

const PROBE_11 = ['session', 'event', 'span', 'log'].map((n) => `sentry-node-11.12/${n}.envelope`);
const PROBE_10 = ['session', 'event', 'transaction', 'log'].map((n) => `sentry-node-10.78/${n}.envelope`);
const EXPRESS = ['web-span', 'web-log', 'api-event', 'web-session', 'api-span', 'api-log', 'api-sessions'].map(
  (n) => `sentry-node-11.12/express-${n}.envelope`,
);

const EXPRESS_TRACE = '745dcfcc57a74120a3e803ba744eb5f8';
const PROBE_11_TRACE = 'd953b6aa6fd14930be83e9daf81fae75';
const PROBE_10_TRANSACTION = '489b04cf34c640aab87f40ecb876eee1';
const PROBE_10_ERROR = '908fd8af3b8f45dbb580937c65e5b3b1';

function stored(names: readonly string[]): StoredEnvelope[] {
  return names.map((name, i) => storedFixture(name, `${name.replace(/.*\//, '').replace('.envelope', '')}-${i}`, 1000 + i));
}

function summary(index: SessionIndex): unknown[] {
  return index.sessions.map((s: Session) => [s.id, s.boundary, s.title, s.traceIds, s.errorCount, s.logCount]);
}

/** An error without any trace id, captured at `timestamp` (seconds). */
function tracelessError(id: string, timestamp: number): StoredEnvelope {
  return storedFixture('sentry-node-11.12/event.envelope', id, 5000, (envelope) => {
    delete envelope[0].trace;
    const event = firstPayload<{ contexts: Record<string, unknown>; timestamp: number; event_id: string }>(envelope);
    delete event.contexts.trace;
    event.timestamp = timestamp;
    event.event_id = `${id.padEnd(32, '0')}`;
  });
}

describe('sessions without a browser page (server-only)', () => {
  it('starts a session at each process start; the newest is current', () => {
    const index = createSessionSelector()({ envelopes: stored([...PROBE_11, ...PROBE_10, ...EXPRESS]) });
    expect(summary(index)).toEqual([
      ['current', 'process-start', 'GET /dashboard', [EXPRESS_TRACE], 1, 2],
      [`session:trace:${PROBE_10_ERROR}`, 'process-start', 'probe-transaction (url)', [PROBE_10_TRANSACTION], 1, 1],
      [`session:trace:${PROBE_11_TRACE}`, 'process-start', 'probe-transaction (url)', [PROBE_11_TRACE], 1, 1],
    ]);
    expect(index.current?.id).toBe('current');
    expect(index.current?.startedAt).toBeCloseTo(1795516518257.686, 2);
    expect([...(index.byId.get(`session:trace:${PROBE_10_ERROR}`)?.allTraceIds ?? [])]).toEqual([PROBE_10_ERROR, PROBE_10_TRANSACTION]);
  });

  it('splits activity without process starts at idle gaps', () => {
    const envelopes = stored([...PROBE_11, ...PROBE_10].filter((n) => !n.endsWith('session.envelope')));
    const together = createSessionSelector()({ envelopes });
    expect(summary(together)).toEqual([['current', 'first', 'probe-transaction (url)', [PROBE_10_TRANSACTION, PROBE_11_TRACE], 2, 2]]);
    // The two runs are 8.9 s apart.
    const apart = createSessionSelector()({ envelopes, idleGapMs: 5000 });
    expect(summary(apart)).toEqual([
      ['current', 'idle-gap', 'probe-transaction (url)', [PROBE_10_TRANSACTION], 1, 1],
      [`session:trace:${PROBE_11_TRACE}`, 'first', 'probe-transaction (url)', [PROBE_11_TRACE], 1, 1],
    ]);
  });

  it('starts a session at an earlier browser page load', () => {
    const pageload = storedFixture('sentry-node-10.78/transaction.envelope', 'pl', 2000, (envelope) => {
      type T = {
        contexts: { trace: { op: string } };
        start_timestamp: number;
        timestamp: number;
        spans: { start_timestamp: number; timestamp: number }[];
      };
      const transaction = firstPayload<T>(envelope);
      transaction.contexts.trace.op = 'pageload';
      // 2 s after the 11.12 run: no idle gap, only the page load separates them.
      const shift = 1795510031.8 - transaction.start_timestamp;
      transaction.start_timestamp += shift;
      transaction.timestamp += shift;
      for (const span of transaction.spans) {
        span.start_timestamp += shift;
        span.timestamp += shift;
      }
    });
    const index = createSessionSelector()({ envelopes: [...stored(['sentry-node-11.12/span.envelope']), pageload] });
    expect(summary(index)).toEqual([
      ['current', 'page-load', 'probe-transaction (url)', [PROBE_10_TRANSACTION], 0, 0],
      [`session:trace:${PROBE_11_TRACE}`, 'first', 'probe-transaction (url)', [PROBE_11_TRACE], 0, 0],
    ]);
  });
});

describe('envelopes that hold several traces', () => {
  it('gives each trace only its own lines (an SDK batches the logs of several requests)', () => {
    const batched = storedFixture('sentry-node-11.12/express-api-log.envelope', 'batched', 99, (envelope) => {
      const container = firstPayload<{ items: Record<string, unknown>[] }>(envelope);
      const line = container.items[0] as Record<string, unknown>;
      // The same line once more, logged during the 11.12 probe's trace two hours earlier.
      container.items.push({ ...line, trace_id: PROBE_11_TRACE, timestamp: 1795510029.84, body: 'batched with a later one' });
    });
    const index = createSessionSelector()({ envelopes: [...stored([...PROBE_11, ...EXPRESS]), batched] });
    expect(summary(index)).toEqual([
      ['current', 'process-start', 'GET /dashboard', [EXPRESS_TRACE], 1, 3],
      [`session:trace:${PROBE_11_TRACE}`, 'process-start', 'probe-transaction (url)', [PROBE_11_TRACE], 1, 2],
    ]);
    // The earlier line does not stretch the later session back in time.
    expect(index.current?.startedAt).toBeCloseTo(1795516518257.686, 2);
  });
});

describe('the current page session', () => {
  const envelopes = [
    ...stored([...PROBE_11, ...PROBE_10, ...EXPRESS]),
    tracelessError('late', 1795516519),
    tracelessError('early', 1795510029.83),
  ];
  const page = { loadedAt: 1795516518000, traceIds: new Set([EXPRESS_TRACE]) };

  it('holds the traces the page started, what every service sent in them, and trace-less events after the load', () => {
    const index = createSessionSelector()({ envelopes, page });
    expect(summary(index)).toEqual([
      ['current', 'page', 'GET /dashboard', [EXPRESS_TRACE], 2, 2],
      [`session:trace:${PROBE_10_ERROR}`, 'process-start', 'probe-transaction (url)', [PROBE_10_TRANSACTION], 1, 1],
      [`session:trace:${PROBE_11_TRACE}`, 'process-start', 'probe-transaction (url)', [PROBE_11_TRACE], 2, 1],
    ]);
    expect([...(index.current?.envelopeIds ?? [])]).toEqual([
      'express-web-span-8',
      'express-web-log-9',
      'express-api-event-10',
      'express-api-span-12',
      'express-api-log-13',
      'late',
    ]);
  });

  it('after a reload shows only what the reload caused; earlier sessions are one selection away; pinned traces stay', () => {
    const select = createSessionSelector();
    // First load: the page started the 11.12 probe trace.
    const first = select({ envelopes, page: { loadedAt: 1795510029000, traceIds: new Set([PROBE_11_TRACE]) } });
    expect(first.current?.traceIds).toEqual([PROBE_11_TRACE]);
    // Reload: a new page, a new trace.
    const reloaded = select({ envelopes, page });
    const current = visibility(reloaded, { kind: 'current' }, new Set());
    expect([isTraceVisible(current, EXPRESS_TRACE), isTraceVisible(current, PROBE_11_TRACE)]).toEqual([true, false]);
    const earlierId = reloaded.sessions.find((s) => s.traceIds.includes(PROBE_11_TRACE))?.id ?? '';
    const earlier = visibility(reloaded, { kind: 'session', id: earlierId }, new Set());
    expect([isTraceVisible(earlier, EXPRESS_TRACE), isTraceVisible(earlier, PROBE_11_TRACE)]).toEqual([false, true]);
    const pinned = visibility(reloaded, { kind: 'current' }, new Set([PROBE_11_TRACE]));
    expect([isTraceVisible(pinned, EXPRESS_TRACE), isTraceVisible(pinned, PROBE_11_TRACE)]).toEqual([true, true]);
    // The pinned trace brings its error and log envelopes along (the errors view filters by envelope).
    expect(['event-1', 'span-2', 'log-3'].map((id) => isEnvelopeVisible(pinned, id))).toEqual([true, true, true]);
    expect(isEnvelopeVisible(current, 'event-1')).toBe(false);
  });

  it('falls back to the newest session while the page has reported no trace yet', () => {
    const index = createSessionSelector()({ envelopes, page: { loadedAt: 1795516518000, traceIds: new Set() } });
    expect(index.current?.boundary).toBe('process-start');
    expect(index.current?.traceIds).toEqual([EXPRESS_TRACE]);
  });
});

describe('a real browser page load with its backend', () => {
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
  const PAGE_TRACE = '228a29fec3fc4583b86ff81409faba17';
  const FLUSH_TRACE = '3357adccdbf149c39b6de6c5bc4ba7f3';
  const envelopes = [...stored(PROBE_11), ...stored(BROWSER)];

  it('shows what the page load caused in the browser and the api; other requests to the api are another session', () => {
    const index = createSessionSelector()({
      envelopes,
      page: { loadedAt: Date.parse('2026-11-24T11:06:22.584Z'), traceIds: new Set([PAGE_TRACE]) },
    });
    expect(summary(index)).toEqual([
      ['current', 'page', 'Pageload', [PAGE_TRACE], 2, 2],
      [`session:trace:${FLUSH_TRACE}`, 'page-load', 'GET /flush', [FLUSH_TRACE], 0, 0],
      [`session:trace:${PROBE_11_TRACE}`, 'process-start', 'probe-transaction (url)', [PROBE_11_TRACE], 1, 1],
    ]);
  });

  it("without the page's trace ids, starts a session at the browser's page load", () => {
    const index = createSessionSelector()({ envelopes });
    expect(summary(index)).toEqual([
      ['current', 'page-load', 'Pageload', [FLUSH_TRACE, PAGE_TRACE], 2, 2],
      [`session:trace:${PROBE_11_TRACE}`, 'process-start', 'probe-transaction (url)', [PROBE_11_TRACE], 1, 1],
    ]);
  });
});

describe('visibility', () => {
  const envelopes = stored([...PROBE_11, ...EXPRESS]);
  const index = createSessionSelector()({ envelopes });

  it('shows one trace, or everything', () => {
    const one = visibility(index, { kind: 'trace', traceId: PROBE_11_TRACE }, new Set());
    expect([...one.traceIds]).toEqual([PROBE_11_TRACE]);
    expect([...one.envelopeIds]).toEqual(['event-1', 'span-2', 'log-3']);
    const all = visibility(index, { kind: 'all' }, new Set());
    expect([isTraceVisible(all, 'anything'), isEnvelopeVisible(all, 'x'), isRowVisible(all, { envelopeId: 'y' })]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('shows log rows with their trace, trace-less rows with their envelope', () => {
    const current = visibility(index, { kind: 'current' }, new Set());
    expect(isRowVisible(current, { traceId: EXPRESS_TRACE, envelopeId: 'whatever' })).toBe(true);
    expect(isRowVisible(current, { traceId: PROBE_11_TRACE, envelopeId: 'express-web-log-5' })).toBe(false);
    expect(isRowVisible(current, { envelopeId: 'express-web-log-5' })).toBe(true);
  });

  it('shows nothing for a session that is gone', () => {
    const gone = visibility(index, { kind: 'session', id: 'session:trace:cleared' }, new Set());
    expect([gone.all, gone.traceIds.size, gone.envelopeIds.size]).toEqual([false, 0, 0]);
  });

  it('is memoized on its inputs', () => {
    const select = createSessionSelector();
    const page = { loadedAt: 1, traceIds: new Set([EXPRESS_TRACE]) };
    const a = select({ envelopes, page });
    expect(select({ envelopes, page })).toBe(a);
    expect(select({ envelopes, page: { ...page, traceIds: new Set([EXPRESS_TRACE, PROBE_11_TRACE]) } })).not.toBe(a);
  });
});

describe('what a selection shows, one object for the tabs and every view', () => {
  const envelopes = [...stored([...PROBE_11, ...PROBE_10, ...EXPRESS]), tracelessError('late', 1795516519)];
  const page = { loadedAt: 1795516518000, traceIds: new Set([EXPRESS_TRACE]) };
  const read = deriveFrom(envelopes);
  const sessions = read(VIEWS.sessions, { page });
  const traces = read(VIEWS.traces, undefined);
  const none: ReadonlySet<string> = new Set();

  it('memoizes the visibility on its inputs', () => {
    const select = createVisibilitySelector();
    const selection = { kind: 'current' } as const;
    const a = select(sessions, selection, none);
    expect(select(sessions, selection, none)).toBe(a);
    const pinned = select(sessions, selection, new Set([PROBE_11_TRACE]));
    expect(pinned).not.toBe(a);
    expect([...pinned.traceIds]).toEqual([PROBE_11_TRACE, EXPRESS_TRACE]);
  });

  it("gives the selected session's envelopes, the store's own array for all sessions", () => {
    const select = (v: Visibility) => read(VIEWS.visibleEnvelopes, v);
    const current = visibility(sessions, { kind: 'current' }, none);
    const shown = select(current);
    expect(shown.map((e) => e.id)).toEqual([
      'express-web-span-8',
      'express-web-log-9',
      'express-api-event-10',
      'express-api-span-12',
      'express-api-log-13',
      'late',
    ]);
    expect(select(current)).toBe(shown);
    const earlier = visibility(sessions, { kind: 'session', id: `session:trace:${PROBE_10_ERROR}` }, none);
    expect(select(earlier).map((e) => e.id)).toEqual(['event-5', 'transaction-6', 'log-7']);
    expect(select(visibility(sessions, { kind: 'all' }, none))).toBe(envelopes);
  });

  it('gives the traces and rows of the selection', () => {
    const current = visibility(sessions, { kind: 'current' }, new Set([PROBE_11_TRACE]));
    const selectTracesShown = (v: Visibility) => read(VIEWS.visibleTraces, v).traces;
    const shown = selectTracesShown(current);
    expect(shown.map((t) => t.traceId)).toEqual([EXPRESS_TRACE, PROBE_11_TRACE]);
    expect(selectTracesShown(current)).toBe(shown);
    const all = visibility(sessions, { kind: 'all' }, none);
    expect(selectTracesShown(all)).toBe(traces.traces);
    const rows = [
      { id: 'a', traceId: EXPRESS_TRACE, envelopeId: 'x' },
      { id: 'b', traceId: PROBE_10_TRANSACTION, envelopeId: 'y' },
      { id: 'c', envelopeId: 'late' },
      { id: 'd', envelopeId: 'event-5' },
    ];
    expect(rows.filter((row) => isRowVisible(current, row)).map((r) => r.id)).toEqual(['a', 'c']);
    // The log lines of all sessions are the unfiltered list itself.
    expect(read(VIEWS.visibleLogs, all)).toBe(read(VIEWS.logs, undefined));
  });
});

describe('session selector while the store appends (a replay streaming in)', () => {
  const envelopes = stored([...PROBE_11, ...PROBE_10, ...EXPRESS]);

  it('reads only the envelopes appended since its last result', () => {
    let reads = 0;
    const old = envelopes.slice(0, -1).map(
      (s) =>
        new Proxy(s, {
          get(target, key, receiver) {
            reads += 1;
            return Reflect.get(target, key, receiver);
          },
        }),
    );
    const select = createSessionSelector();
    select({ envelopes: old });
    reads = 0;
    const index = select({ envelopes: [...old, envelopes[envelopes.length - 1] as StoredEnvelope] });
    expect(reads).toBe(0);
    expect(index).toEqual(createSessionSelector()({ envelopes }));
  });

  it('splits a session when a late session item says a process started within it', () => {
    const select = createSessionSelector();
    const envelopes = stored([...PROBE_11, ...PROBE_10].filter((n) => !n.endsWith('session.envelope')));
    expect(summary(select({ envelopes }))).toEqual([
      ['current', 'first', 'probe-transaction (url)', [PROBE_10_TRANSACTION, PROBE_11_TRACE], 2, 2],
    ]);
    // The second run's process start, sent after its activity.
    const later = [...envelopes, storedFixture('sentry-node-10.78/session.envelope', 'late-session', 2000)];
    const index = select({ envelopes: later });
    expect(summary(index)).toEqual([
      ['current', 'process-start', 'probe-transaction (url)', [PROBE_10_TRANSACTION], 1, 1],
      [`session:trace:${PROBE_11_TRACE}`, 'first', 'probe-transaction (url)', [PROBE_11_TRACE], 1, 1],
    ]);
    expect(index).toEqual(createSessionSelector()({ envelopes: later }));
  });

  it('gives what a selector that sees everything at once gives, batch after batch', () => {
    const select = createSessionSelector();
    const page = { loadedAt: 1795516518000, traceIds: new Set([EXPRESS_TRACE]) };
    for (let end = 1; end <= envelopes.length; end += 1) {
      const batch = envelopes.slice(0, end);
      expect(select({ envelopes: batch })).toEqual(createSessionSelector()({ envelopes: batch }));
    }
    // The same envelopes seen from the page: only the page changed, the units are reused.
    expect(select({ envelopes, page })).toEqual(createSessionSelector()({ envelopes, page }));
    expect(select({ envelopes: envelopes.slice(3) })).toEqual(createSessionSelector()({ envelopes: envelopes.slice(3) }));
  });
});
