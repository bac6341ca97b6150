import { asObject, asString, timestampMs } from './errorEvent.ts';
import { logsOfEnvelope } from './logs.ts';
import { sdkLanguage } from './sdks.ts';
import { spansOfEnvelope } from './spans.ts';
import { appendedFrom, type StoredEnvelope } from './store.ts';
import { selectTraces, type Trace, type TraceIndex } from './traces.ts';
import { errorsOfEnvelope } from './tracesErrors.ts';
import { cachedPer, hexId, isRecord } from './tracesPayload.ts';

/**
 * Sessions: what one page load (or one burst of server activity) caused, so the overlay can show
 * the current one and hide, not delete, what came before.
 *
 * - The current page's session: the traces its own browser SDK started (`page.traceIds`, recorded by
 *   the sdk-hooks browser bridge), everything any service sent in those traces, and envelopes
 *   without a trace id sent after the page loaded.
 * - Everything else is split into earlier sessions along boundaries read from the data, in time
 *   order: a page load (a browser `pageload` root span, or a browser SDK's session item with
 *   `init: true`) starts a session, so does a process start (a server SDK's session item with
 *   `init: true`, e.g. a restarted server), and so does an idle gap of `idleGapMs` (default 30 s)
 *   without activity. Server-only projects thus get one
 *   session per process run or per burst of requests.
 * - Without a page (no browser SDK bridge, e.g. the sidecar's full-page debugger), the newest of
 *   those sessions is the current one.
 *
 * Times are the SDKs' own (span starts, event timestamps), not arrival times: a sidecar replays
 * its buffer to a page that connects late, and those envelopes must not look new.
 */

export type SessionBoundary = 'page' | 'page-load' | 'process-start' | 'idle-gap' | 'first';

export interface Session {
  /** `current` for the page's session; else stable while the session's first activity stays in the store. */
  readonly id: string;
  readonly current: boolean;
  /** What started it. */
  readonly boundary: SessionBoundary;
  /** Epoch ms of its first and last activity (SDK clocks); NaN for an empty page session. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** The name of its first trace, else its first error or log line. */
  readonly title: string;
  /** Trace ids of the session that have spans, newest first. */
  readonly traceIds: readonly string[];
  /** Every trace id seen in the session (also those with only errors or logs). */
  readonly allTraceIds: ReadonlySet<string>;
  readonly envelopeIds: ReadonlySet<string>;
  readonly errorCount: number;
  readonly logCount: number;
}

export interface SessionIndex {
  /** Newest first; the current session is the first one. */
  readonly sessions: readonly Session[];
  readonly current?: Session;
  readonly byId: ReadonlyMap<string, Session>;
}

export interface PageInfo {
  /** When this page loaded (ms since the epoch, `performance.timeOrigin`). */
  readonly loadedAt: number;
  /** Trace ids the page's own browser SDK started. */
  readonly traceIds: ReadonlySet<string>;
}

export interface SessionInput {
  readonly envelopes: readonly StoredEnvelope[];
  /** Given when a browser SDK in this page reports its traces; omit it otherwise. */
  readonly page?: PageInfo;
  readonly idleGapMs?: number;
}

export const DEFAULT_IDLE_GAP_MS = 30_000;

// Items that say a process is alive but are no activity of their own.
const HEALTH_ITEMS: ReadonlySet<string> = new Set(['session', 'sessions', 'client_report']);

/** What one envelope holds of one trace ('' for what carries no trace id). */
interface Part {
  start: number;
  end: number;
  errorCount: number;
  logCount: number;
  title?: string;
}

interface EnvelopeFacts {
  /**
   * Per trace id. An envelope may hold several traces (an SDK batches the log lines of several
   * requests into one container): each trace gets only its own lines, times and counts.
   */
  readonly parts: ReadonlyMap<string, Part>;
  /** Release-health sessions that started (`init: true`): a process start, or in a browser a page load. */
  readonly starts: readonly Boundary[];
}

/** What sessions read of one envelope (its spans, errors and logs included). Cached per envelope. */
export const sessionFactsOf = cachedPer((stored: StoredEnvelope): EnvelopeFacts => {
  const [header, items] = stored.envelope;
  const parts = new Map<string, Part>();
  const part = (traceId: string | undefined, at: number): Part => {
    const key = traceId ?? '';
    let found = parts.get(key);
    if (found === undefined) {
      found = { start: at, end: at, errorCount: 0, logCount: 0 };
      parts.set(key, found);
    }
    found.start = Math.min(found.start, at);
    found.end = Math.max(found.end, at);
    return found;
  };
  for (const span of spansOfEnvelope(stored)) {
    part(span.traceId, span.start);
    part(span.traceId, span.end);
  }
  for (const error of errorsOfEnvelope(stored)) {
    const found = part(error.traceId, error.timestamp);
    found.errorCount += 1;
    found.title ??= error.title;
  }
  for (const log of logsOfEnvelope(stored)) {
    const found = part(log.traceId, log.timestamp);
    found.logCount += 1;
    found.title ??= log.message;
  }
  const starts: Boundary[] = [];
  const kind = sdkLanguage(asString(asObject(header.sdk)?.name) ?? '') === 'browser' ? 'page-load' : 'process-start';
  let activity = false;
  for (const [itemHeader, payload] of items) {
    if (!HEALTH_ITEMS.has(itemHeader.type)) activity = true;
    if (itemHeader.type === 'session' && isRecord(payload) && payload.init === true) {
      const started = timestampMs(payload.started);
      if (started !== undefined) starts.push({ at: started, kind });
    }
  }
  if (activity && parts.size === 0) {
    // Activity we cannot read (a profile, a replay, a check-in...): it belongs to the envelope's trace, if any.
    part(hexId(asObject(header.trace)?.trace_id), timestampMs(asString(header.sent_at)) ?? stored.receivedAt);
  }
  return { parts, starts };
});

/** A trace, or one envelope without trace: what sessions are made of. */
interface Unit {
  readonly key: string;
  traceId?: string;
  start: number;
  end: number;
  readonly envelopeIds: string[];
  errorCount: number;
  logCount: number;
  title?: string;
}

interface Boundary {
  readonly at: number;
  readonly kind: 'page-load' | 'process-start';
}

/** Units as they accumulate over the store's envelopes, oldest first. */
interface UnitState {
  readonly units: Unit[];
  readonly byTrace: Map<string, Unit>;
  /** Release-health starts, in envelope order. */
  readonly starts: Boundary[];
}

function emptyUnits(): UnitState {
  return { units: [], byTrace: new Map(), starts: [] };
}

function addUnits(state: UnitState, envelopes: readonly StoredEnvelope[]): void {
  const { units, byTrace, starts } = state;
  for (const stored of envelopes) {
    const facts = sessionFactsOf(stored);
    starts.push(...facts.starts);
    for (const [traceId, part] of facts.parts) {
      let unit = traceId === '' ? undefined : byTrace.get(traceId);
      if (unit === undefined) {
        unit = {
          key: traceId === '' ? `envelope:${stored.id}` : `trace:${traceId}`,
          start: part.start,
          end: part.end,
          envelopeIds: [],
          errorCount: 0,
          logCount: 0,
        };
        if (traceId !== '') {
          unit.traceId = traceId;
          byTrace.set(traceId, unit);
        }
        units.push(unit);
      }
      unit.envelopeIds.push(stored.id);
      unit.start = Math.min(unit.start, part.start);
      unit.end = Math.max(unit.end, part.end);
      unit.errorCount += part.errorCount;
      unit.logCount += part.logCount;
      if (unit.title === undefined && part.title !== undefined) unit.title = part.title;
    }
  }
}

/**
 * Names the units after their traces and collects the boundaries. Units are only read after this
 * (sessions copy what they show), so a selector may keep adding envelopes to them; a trace's name
 * wins over a part's title, so naming again after more envelopes gives what naming once would.
 */
function unitsWithTraces(state: UnitState, traces: TraceIndex): { units: Unit[]; boundaries: Boundary[] } {
  const boundaries: Boundary[] = [...state.starts];
  for (const unit of state.byTrace.values()) {
    const trace = unit.traceId !== undefined ? traces.byId.get(unit.traceId) : undefined;
    if (trace === undefined) continue;
    unit.title = trace.name;
    if (trace.rootSpan?.op === 'pageload') boundaries.push({ at: trace.rootSpan.start, kind: 'page-load' });
  }
  return { units: state.units, boundaries: boundaries.sort((a, b) => a.at - b.at) };
}

function makeSession(id: string, boundary: SessionBoundary, current: boolean, units: readonly Unit[], traces: TraceIndex): Session {
  const ordered = [...units].sort((a, b) => a.start - b.start);
  const withSpans = ordered.filter((u) => u.traceId !== undefined && traces.byId.has(u.traceId));
  return {
    id,
    current,
    boundary,
    startedAt: ordered[0]?.start ?? Number.NaN,
    endedAt: ordered.reduce((max, u) => Math.max(max, u.end), ordered.length > 0 ? Number.NEGATIVE_INFINITY : Number.NaN),
    title: withSpans[0]?.title ?? ordered[0]?.title ?? (ordered.length > 0 ? 'activity' : 'nothing yet'),
    traceIds: withSpans.map((u) => u.traceId as string).reverse(),
    allTraceIds: new Set(ordered.flatMap((u) => (u.traceId !== undefined ? [u.traceId] : []))),
    envelopeIds: new Set(ordered.flatMap((u) => u.envelopeIds)),
    errorCount: ordered.reduce((n, u) => n + u.errorCount, 0),
    logCount: ordered.reduce((n, u) => n + u.logCount, 0),
  };
}

function splitByBoundaries(
  units: readonly Unit[],
  boundaries: readonly Boundary[],
  idleGapMs: number,
): { boundary: SessionBoundary; units: Unit[] }[] {
  const ordered = [...units].sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
  const groups: { boundary: SessionBoundary; units: Unit[] }[] = [];
  let next = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const unit of ordered) {
    let crossed: Boundary | undefined;
    while (next < boundaries.length && (boundaries[next] as Boundary).at <= unit.start) {
      // A boundary during activity already seen belongs to it (a page's session item starts while its
      // pageload span runs): only one after everything so far ended starts a new session.
      if ((boundaries[next] as Boundary).at > lastEnd) crossed = boundaries[next];
      next += 1;
    }
    const current = groups[groups.length - 1];
    if (current === undefined) groups.push({ boundary: crossed?.kind ?? 'first', units: [unit] });
    else if (crossed !== undefined) groups.push({ boundary: crossed.kind, units: [unit] });
    else if (unit.start - lastEnd > idleGapMs) groups.push({ boundary: 'idle-gap', units: [unit] });
    else current.units.push(unit);
    lastEnd = Math.max(lastEnd, unit.end);
  }
  return groups;
}

/** Splits the store into sessions. Pure; see `createSessionSelector` for the memoized form. */
export function buildSessions(input: SessionInput, traces: TraceIndex = selectTraces(input.envelopes)): SessionIndex {
  const state = emptyUnits();
  addUnits(state, input.envelopes);
  return sessionsOf(input, state, traces);
}

function sessionsOf(input: SessionInput, state: UnitState, traces: TraceIndex): SessionIndex {
  const { units, boundaries } = unitsWithTraces(state, traces);
  const page = input.page !== undefined && input.page.traceIds.size > 0 ? input.page : undefined;
  const sessions: Session[] = [];
  let rest = units;
  if (page !== undefined) {
    const inPage = (u: Unit): boolean => (u.traceId !== undefined ? page.traceIds.has(u.traceId) : u.start >= page.loadedAt);
    sessions.push(makeSession('current', 'page', true, units.filter(inPage), traces));
    rest = units.filter((u) => !inPage(u));
  }
  const groups = splitByBoundaries(rest, boundaries, input.idleGapMs ?? DEFAULT_IDLE_GAP_MS);
  const earlier = groups.map((g) => makeSession(`session:${(g.units[0] as Unit).key}`, g.boundary, false, g.units, traces));
  earlier.sort((a, b) => b.startedAt - a.startedAt);
  if (page === undefined && earlier[0] !== undefined) earlier[0] = { ...earlier[0], id: 'current', current: true };
  sessions.push(...earlier);
  const current = sessions.find((s) => s.current);
  const index: { -readonly [K in keyof SessionIndex]: SessionIndex[K] } = { sessions, byId: new Map(sessions.map((s) => [s.id, s])) };
  if (current !== undefined) index.current = current;
  return index;
}

/**
 * Memoized `buildSessions`: recomputes only when the envelopes, the page's trace ids or its load time
 * change. When the store only appended (every frame of a replay), it reads the new envelopes alone.
 */
export function createSessionSelector(): (input: SessionInput) => SessionIndex {
  let last: { input: SessionInput; output: SessionIndex } | undefined;
  let state = emptyUnits();
  return (input) => {
    if (
      last !== undefined &&
      last.input.envelopes === input.envelopes &&
      last.input.page?.traceIds === input.page?.traceIds &&
      last.input.page?.loadedAt === input.page?.loadedAt &&
      last.input.idleGapMs === input.idleGapMs
    ) {
      return last.output;
    }
    if (last?.input.envelopes !== input.envelopes) {
      const from = appendedFrom(last?.input.envelopes, input.envelopes);
      if (from === undefined) {
        state = emptyUnits();
        addUnits(state, input.envelopes);
      } else addUnits(state, input.envelopes.slice(from));
    }
    last = { input, output: sessionsOf(input, state, selectTraces(input.envelopes)) };
    return last.output;
  };
}

export const selectSessions = createSessionSelector();

/** What the user chose to look at: the current session (default), an earlier one, one trace, or everything. */
export type SessionSelection =
  | { readonly kind: 'current' }
  | { readonly kind: 'all' }
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'trace'; readonly traceId: string };

export interface Visibility {
  readonly all: boolean;
  readonly traceIds: ReadonlySet<string>;
  readonly envelopeIds: ReadonlySet<string>;
}

/**
 * What the selection shows. Pinned traces are visible in every session. A selected session that
 * is gone (its envelopes dropped or cleared) shows nothing rather than silently showing another.
 */
export function visibility(
  sessions: SessionIndex,
  selection: SessionSelection,
  pinned: ReadonlySet<string>,
  traces: TraceIndex,
): Visibility {
  if (selection.kind === 'all') return { all: true, traceIds: new Set(), envelopeIds: new Set() };
  const traceIds = new Set<string>(pinned);
  const envelopeIds = new Set<string>();
  if (selection.kind === 'trace') traceIds.add(selection.traceId);
  else {
    const session = selection.kind === 'current' ? sessions.current : sessions.byId.get(selection.id);
    for (const id of session?.allTraceIds ?? []) traceIds.add(id);
    for (const id of session?.envelopeIds ?? []) envelopeIds.add(id);
  }
  for (const traceId of traceIds) for (const id of traces.envelopesByTrace.get(traceId) ?? []) envelopeIds.add(id);
  return { all: false, traceIds, envelopeIds };
}

/**
 * Memoized `visibility`: every view and the tabs get the same object for the same inputs, so what is
 * derived from it (visible envelopes, the issues of those) is computed once per change, not per view.
 */
export function createVisibilitySelector(): typeof visibility {
  let last: { inputs: Parameters<typeof visibility>; output: Visibility } | undefined;
  return (...inputs) => {
    if (last === undefined || inputs.some((input, i) => input !== last?.inputs[i])) last = { inputs, output: visibility(...inputs) };
    return last.output;
  };
}

export const selectVisibility = createVisibilitySelector();

/**
 * The stored envelopes a selection shows, oldest first: the store's own array for "All sessions"
 * (so selectors memoized on it stay warm), else a filtered copy memoized on both inputs.
 */
export function createVisibleEnvelopeSelector(): (envelopes: readonly StoredEnvelope[], v: Visibility) => readonly StoredEnvelope[] {
  let last: { envelopes: readonly StoredEnvelope[]; v: Visibility; output: readonly StoredEnvelope[] } | undefined;
  return (envelopes, v) => {
    if (v.all) return envelopes;
    if (last?.envelopes !== envelopes || last.v !== v) {
      last = { envelopes, v, output: envelopes.filter((e) => v.envelopeIds.has(e.id)) };
    }
    return last.output;
  };
}

export const selectVisibleEnvelopes = createVisibleEnvelopeSelector();

/** The traces a selection shows, newest first (the index's own list for "All sessions"). Memoized on both inputs. */
export function createVisibleTraceSelector(): (traces: TraceIndex, v: Visibility) => readonly Trace[] {
  let last: { traces: TraceIndex; v: Visibility; output: readonly Trace[] } | undefined;
  return (traces, v) => {
    if (v.all) return traces.traces;
    if (last?.traces !== traces || last.v !== v) last = { traces, v, output: traces.traces.filter((t) => v.traceIds.has(t.traceId)) };
    return last.output;
  };
}

export const selectVisibleTraces = createVisibleTraceSelector();

/** Rows (log lines, errors) a selection shows, see `isRowVisible`. Memoized on both inputs. */
export function createVisibleRowSelector<R extends { readonly traceId?: string; readonly envelopeId: string }>(): (
  rows: readonly R[],
  v: Visibility,
) => readonly R[] {
  let last: { rows: readonly R[]; v: Visibility; output: readonly R[] } | undefined;
  return (rows, v) => {
    if (v.all) return rows;
    if (last?.rows !== rows || last.v !== v) last = { rows, v, output: rows.filter((row) => isRowVisible(v, row)) };
    return last.output;
  };
}

export function isTraceVisible(v: Visibility, traceId: string): boolean {
  return v.all || v.traceIds.has(traceId);
}

export function isEnvelopeVisible(v: Visibility, envelopeId: string): boolean {
  return v.all || v.envelopeIds.has(envelopeId);
}

/** A log line or error is visible with its trace, or (without trace) with its envelope. */
export function isRowVisible(v: Visibility, row: { readonly traceId?: string; readonly envelopeId: string }): boolean {
  if (v.all) return true;
  return row.traceId !== undefined ? v.traceIds.has(row.traceId) : v.envelopeIds.has(row.envelopeId);
}
