import { parseEnvelope, toWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { envelopeFixtures } from '../../../envelope/src/test/fixtures.ts';
import { createSelector, envelopeChange } from './derive.ts';
import { selectFeedback } from './feedback.ts';
import { groupIssues, selectErrorEvents } from './grouping.ts';
import { createStore, type SpotlightStore, VIEWS } from './index.ts';
import { insightsOfEnvelopes } from './insights.ts';
import { errorArrivals } from './issues.ts';
import { DEFAULT_INSIGHT_OPTIONS } from './queries.ts';
import { type SessionIndex, type SessionSelection, visibility } from './sessions.ts';
import type { StoredEnvelope } from './store.ts';
import { ALL_VISIBLE, isEnvelopeVisible, isRowVisible, type Visibility } from './visibility.ts';

// Every captured envelope, several times over: copies get new ids (trace, span, event ids) and later times,
// so that sessions split at idle gaps; some keep their ids, so that traces get spans twice and grow.
const CAPTURED = envelopeFixtures().map((f) => ({ name: f.name, envelope: toWireEnvelope(parseEnvelope(f.bytes)) }));

function shiftTimes(value: unknown, ms: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shiftTimes(v, ms));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (/^(timestamp|start_timestamp|end_timestamp)$/.test(key) && typeof v === 'number') out[key] = v + ms / 1000;
    else if (/^(timestamp|sent_at|started)$/.test(key) && typeof v === 'string' && !Number.isNaN(Date.parse(v)))
      out[key] = new Date(Date.parse(v) + ms).toISOString();
    else out[key] = shiftTimes(v, ms);
  }
  return out;
}

/** Copy `n` of a captured envelope: ids renamed for each `n`, times `n` minutes (and `seconds`) later. */
function copy(envelope: WireEnvelope, n: number, seconds = 0): WireEnvelope {
  let text = JSON.stringify(shiftTimes(envelope, n * 60_000 + seconds * 1000));
  text = text.replace(
    /"([0-9a-f]{4})([0-9a-f]{12}|[0-9a-f]{28})"/g,
    (_, head: string, rest: string) => `"${(Number.parseInt(head, 16) ^ n).toString(16).padStart(4, '0')}${rest}"`,
  );
  return JSON.parse(text) as WireEnvelope;
}

/** A small deterministic random source. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function sequence(seed: number, length: number): { envelope: WireEnvelope; id: string }[] {
  const next = random(seed);
  const out: { envelope: WireEnvelope; id: string }[] = [];
  for (let i = 0; i < length; i++) {
    const captured = CAPTURED[Math.floor(next() * CAPTURED.length)] as (typeof CAPTURED)[number];
    const round = Math.floor(i / 12);
    // Mostly in time order, a minute apart per round (sessions split at the idle gaps); one in five lands in
    // an earlier round, at any second: late data that joins an earlier session, or bridges two and merges
    // them, or (a session item) starts a new one inside it. Copies of the same minute share their ids (a
    // trace that arrives in parts, spans that come twice).
    const late = next() < 0.2;
    const n = late ? Math.floor(next() * (round + 1)) * 2 : round * 2 + (next() < 0.3 ? 0 : 1);
    out.push({ envelope: copy(captured.envelope, n, late ? Math.floor(next() * 60) : 0), id: `${captured.name}#${i}` });
  }
  return out;
}

/** What fresh selectors over the same envelopes give, for every view the store keeps up to date. */
function expectSameAsFresh(store: SpotlightStore, page: { loadedAt: number; traceIds: ReadonlySet<string> } | undefined): void {
  const envelopes = store.getSnapshot().envelopes;
  expect(store.issues()).toEqual(groupIssues(selectErrorEvents(envelopes)));
  expect(store.traces()).toEqual(createSelector(VIEWS.traces)(envelopes));
  expect(store.traceHeads()).toEqual(createSelector(VIEWS.traceHeads)(envelopes));
  for (const trace of store.traces().traces) {
    const head = store.traceHeads().byId.get(trace.traceId);
    expect([head?.name, head?.status, head?.rootSpan]).toEqual([trace.name, trace.status, trace.rootSpan]);
  }
  expect(store.traceHeads().count).toBe(store.traces().traces.length);
  expect(store.logs()).toEqual(createSelector(VIEWS.logs)(envelopes));
  expect(store.sdks()).toEqual(createSelector(VIEWS.sdks)(envelopes));
  expect(store.errorEventCount()).toBe(selectErrorEvents(envelopes).length);
  expect(store.sessions({ page })).toEqual(createSelector(VIEWS.sessions)(envelopes, { page }));
  expect(store.profiles()).toEqual(createSelector(VIEWS.profiles)(envelopes));
  expect(store.feedback()).toEqual(selectFeedback(envelopes));
  expect(store.insights({ visibility: ALL_VISIBLE, options: DEFAULT_INSIGHT_OPTIONS })).toEqual(insightsOfEnvelopes(envelopes));
  const arrivals = store.read(errorArrivals);
  const middle = envelopes[Math.floor(envelopes.length / 2)];
  if (middle !== undefined) {
    const after = envelopes.slice(Math.floor(envelopes.length / 2) + 1);
    expect(arrivals.since(store.seqOf(middle))).toBe(selectErrorEvents(after).length);
  }
}

/** The views of one selection: what filtering every envelope, line and trace by the visibility gives. */
function expectSelectionShown(store: SpotlightStore, v: Visibility, why: string): void {
  const envelopes = store.getSnapshot().envelopes;
  const shown = envelopes.filter((e) => isEnvelopeVisible(v, e.id));
  expect(store.visibleEnvelopes(v), why).toEqual(shown);
  expect(store.visibleIssues(v), why).toEqual(groupIssues(selectErrorEvents(shown)));
  expect(store.visibleLogs(v), why).toEqual(store.logs().filter((row) => isRowVisible(v, row)));
  const traces = store.traces().traces.filter((t) => v.all || v.hasTrace(t.traceId));
  expect(store.visibleTraces(v).traces, why).toEqual(traces);
  expect(store.visibleTraceHeads(v).count, why).toBe(traces.length);
  expect(store.read(errorArrivals).since(-1) >= store.visibleErrorArrivals(v).since(-1), why).toBe(true);
  expect(store.visibleErrorArrivals(v).since(-1), why).toBe(selectErrorEvents(shown).length);
  if (!v.all) {
    // The spelled-out sets say the same as the answers.
    expect(
      envelopes.filter((e) => v.envelopeIds.has(e.id)),
      why,
    ).toEqual(shown);
    expect(
      [...v.traceIds].every((id) => v.hasTrace(id)),
      why,
    ).toBe(true);
  }
}

type Pick = (sessions: SessionIndex, store: SpotlightStore, last: SessionSelection | undefined) => SessionSelection;

/**
 * How a user picks a selection and keeps it while the store changes: each one in a store of its own, so
 * that its views are kept up to date from version to version (not made again for another selection).
 */
const PICKS: Record<string, Pick> = {
  current: () => ({ kind: 'current' }),
  all: () => ({ kind: 'all' }),
  'an earlier session, kept while it exists': (sessions, _store, last) =>
    last?.kind === 'session' && sessions.byId.has(last.id) ? last : { kind: 'session', id: sessions.sessions[1]?.id ?? 'none yet' },
  'a trace, kept': (_sessions, store, last) =>
    last?.kind === 'trace' ? last : { kind: 'trace', traceId: store.traces().traces[1]?.traceId ?? 'none yet' },
};

describe('views a store keeps up to date', () => {
  for (const seed of [1, 2, 3]) {
    it(`equal what fresh selectors give, batch after batch, as the store fills and drops its oldest (seed ${seed})`, () => {
      for (const [name, pick] of Object.entries(PICKS)) {
        const store = createStore({ cap: 40, schedule: () => () => {}, now: () => 1_000 });
        const next = random(seed * 7);
        const all = sequence(seed, 120);
        let page: { loadedAt: number; traceIds: ReadonlySet<string> } | undefined;
        let selection: SessionSelection | undefined;
        let pinned: ReadonlySet<string> = new Set();
        for (let at = 0; at < all.length; ) {
          const size = 1 + Math.floor(next() * 9);
          for (const { envelope, id } of all.slice(at, at + size)) store.add(envelope, id);
          at += size;
          store.flush();
          // Now and then the page reports a trace it started (a browser SDK in the page), or the user pins one.
          const traceId = store.traces().traces[0]?.traceId;
          if (traceId !== undefined && next() < 0.15) page = { loadedAt: 0, traceIds: new Set([...(page?.traceIds ?? []), traceId]) };
          if (traceId !== undefined && next() < 0.1) pinned = new Set([traceId]);
          if (name === 'current') expectSameAsFresh(store, page);
          const sessions = store.sessions({ page });
          selection = pick(sessions, store, selection);
          expectSelectionShown(store, visibility(sessions, selection, pinned), `${name} at ${at}: ${JSON.stringify(selection)}`);
        }
        store.clear();
        store.flush();
        expectSameAsFresh(store, page);
      }
    });
  }
});

describe('envelopeChange', () => {
  const a = { id: 'a', receivedAt: 1, envelope: [{}, []] } as StoredEnvelope;
  const b = { ...a, id: 'b' };
  const c = { ...a, id: 'c' };
  const d = { ...a, id: 'd' };

  it('tells appended and dropped envelopes apart from anything else', () => {
    expect(envelopeChange([a, b], [a, b, c])).toEqual({ dropped: 0, from: 2 });
    expect(envelopeChange([a, b, c], [c, d])).toEqual({ dropped: 2, from: 1 });
    expect(envelopeChange([], [a])).toEqual({ dropped: 0, from: 0 });
    // A clear, a reordering, a replaced array: start over.
    expect(envelopeChange([a, b], [])).toBeUndefined();
    expect(envelopeChange([a, b], [c, d])).toBeUndefined();
    expect(envelopeChange([a, b, c], [a, c])).toBeUndefined();
  });
});
