import { createSelector, type Derivation, type DeriveContext, readEnvelope } from './derive.ts';
import { asObject, asString, timestampMs } from './errorEvent.ts';
import { logsOfEnvelope } from './logs.ts';
import { sdkLanguage } from './sdks.ts';
import { insertSorted, removeEqual, removeSorted } from './sortedList.ts';
import { spansOfEnvelope } from './spans.ts';
import type { StoredEnvelope } from './store.ts';
import { type TraceHeads, traceHeads } from './traceHeads.ts';
import { errorsOfEnvelope } from './tracesErrors.ts';
import { hexId, isRecord } from './tracesPayload.ts';
import { ALL_VISIBLE, type Visibility } from './visibility.ts';

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

export interface SessionParams {
  /** Given when a browser SDK in this page reports its traces; omit it otherwise. */
  readonly page?: PageInfo | undefined;
  readonly idleGapMs?: number | undefined;
}

export interface SessionInput extends SessionParams {
  readonly envelopes: readonly StoredEnvelope[];
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

interface SessionStart {
  readonly at: number;
  readonly kind: 'page-load' | 'process-start';
}

export interface EnvelopeFacts {
  /**
   * Per trace id. An envelope may hold several traces (an SDK batches the log lines of several
   * requests into one container): each trace gets only its own lines, times and counts.
   */
  readonly parts: ReadonlyMap<string, Part>;
  /** Release-health sessions that started (`init: true`): a process start, or in a browser a page load. */
  readonly starts: readonly SessionStart[];
}

/** What sessions read of one envelope (its spans, errors and logs included). An envelope reader (see derive.ts). */
export function sessionFactsOf(stored: StoredEnvelope, ctx?: DeriveContext): EnvelopeFacts {
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
  for (const span of readEnvelope(ctx, spansOfEnvelope, stored)) {
    part(span.traceId, span.start);
    part(span.traceId, span.end);
  }
  for (const error of readEnvelope(ctx, errorsOfEnvelope, stored)) {
    const found = part(error.traceId, error.timestamp);
    found.errorCount += 1;
    found.title ??= error.title;
  }
  for (const log of readEnvelope(ctx, logsOfEnvelope, stored)) {
    const found = part(log.traceId, log.timestamp);
    found.logCount += 1;
    found.title ??= log.message;
  }
  const starts: SessionStart[] = [];
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
}

/** A trace, or one envelope without trace: what sessions are made of. */
interface Unit {
  /** `trace:<id>` or `envelope:<id>`. */
  readonly key: string;
  readonly traceId: string | undefined;
  /** Creation order (the page session lists units of the same start in it). */
  readonly created: number;
  /** What each envelope holds of it, in arrival order. */
  readonly parts: Map<StoredEnvelope, Part>;
  start: number;
  end: number;
  errorCount: number;
  logCount: number;
  /** The first part's title, in arrival order. */
  partTitle: string | undefined;
  /** Its trace's name, when the trace has spans (it then names the unit). */
  traceName: string | undefined;
  /** Its trace's root is a browser page load: a session boundary. */
  pageLoad: Boundary | undefined;
  /** Where it is placed: in the page's session, or among the others (by this start). */
  placed: 'page' | 'rest' | undefined;
  placedStart: number;
  /** The id of the session it was in at the last result, to tell when an old unit changes session. */
  groupId: string | undefined;
  /** Created since the last result: its envelopes are all new. */
  fresh: boolean;
}

interface Boundary {
  readonly at: number;
  readonly kind: 'page-load' | 'process-start';
  /** Session items before page loads at the same time, each in arrival (or unit creation) order. */
  readonly rank: 0 | 1;
  readonly seq: number;
}

function byBoundary(a: Boundary, b: Boundary): number {
  return a.at - b.at || a.rank - b.rank || a.seq - b.seq;
}

/** The order of the units outside the page: by start, then key. */
function byPlacedStart(a: Unit, b: Unit): number {
  return a.placedStart - b.placedStart || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function byPageOrder(a: Unit, b: Unit): number {
  return a.placedStart - b.placedStart || a.created - b.created;
}

/** A run of units in `order` that makes one earlier session. */
interface Group {
  readonly id: string;
  readonly from: number;
  to: number;
  boundary: SessionBoundary;
  /** Its units: only appended to up to `count` (a session built from it reads its own prefix). */
  units: Unit[];
}

interface SessionsState {
  readonly units: Map<string, Unit>;
  /** Each envelope's units, for "is this envelope visible". */
  readonly unitsOf: Map<string, readonly Unit[]>;
  /** Session starts and page loads, in time order. */
  readonly boundaries: Boundary[];
  /** Units changed since the last result, and the times of boundaries that came or went. */
  readonly touched: Set<Unit>;
  readonly boundaryTimes: Set<number>;
  /** Units outside the page's session, by start; per index, the running max of their ends, errors, logs and units with spans. */
  readonly order: Unit[];
  readonly maxEnd: number[];
  readonly errors: number[];
  readonly logs: number[];
  readonly withSpans: number[];
  groups: Group[];
  /** Sessions of `groups`, in the same order; rebuilt from the first group a change reaches. */
  groupSessions: Session[];
  readonly pageUnits: Unit[];
  pageSession: Session | undefined;
  /** Incremented whenever a unit that was already stored changes session: see `Visibility.stamp`. */
  moves: number;
  unitCount: number;
  params: { page: PageInfo | undefined; idleGapMs: number } | undefined;
  out: SessionIndex | undefined;
  outParams: SessionParams | undefined;
}

/** What visibility reads of the sessions (hidden on the index so that indexes compare by what they show). */
interface SessionLookup {
  readonly state: SessionsState;
  /** The group id of each session, `page` for the page's. */
  readonly groupIds: ReadonlyMap<Session, string>;
}

const LOOKUP = Symbol('sessionLookup');

function unitTitle(unit: Unit): string | undefined {
  return unit.traceName ?? unit.partTitle;
}

function refresh(unit: Unit): void {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let errorCount = 0;
  let logCount = 0;
  let partTitle: string | undefined;
  for (const part of unit.parts.values()) {
    start = Math.min(start, part.start);
    end = Math.max(end, part.end);
    errorCount += part.errorCount;
    logCount += part.logCount;
    partTitle ??= part.title;
  }
  Object.assign(unit, { start, end, errorCount, logCount, partTitle });
}

function envelopeIdsOf(units: readonly Unit[]): Set<string> {
  const ids = new Set<string>();
  for (const unit of units) for (const entry of unit.parts.keys()) ids.add(entry.id);
  return ids;
}

/** A session of these units (in session order); the lists and sets are built when first read. */
function makeSession(
  id: string,
  boundary: SessionBoundary,
  current: boolean,
  units: readonly Unit[],
  count: number,
  facts: { startedAt: number; endedAt: number; title: string; errorCount: number; logCount: number },
): Session {
  let traceIds: string[] | undefined;
  let allTraceIds: Set<string> | undefined;
  let envelopeIds: Set<string> | undefined;
  const own = () => units.slice(0, count);
  return {
    id,
    current,
    boundary,
    ...facts,
    get traceIds() {
      traceIds ??= own()
        .filter((u) => u.traceName !== undefined)
        .map((u) => u.traceId as string)
        .reverse();
      return traceIds;
    },
    get allTraceIds() {
      allTraceIds ??= new Set(own().flatMap((u) => (u.traceId !== undefined ? [u.traceId] : [])));
      return allTraceIds;
    },
    get envelopeIds() {
      envelopeIds ??= envelopeIdsOf(own());
      return envelopeIds;
    },
  };
}

function emptyState(): SessionsState {
  return {
    units: new Map(),
    unitsOf: new Map(),
    boundaries: [],
    touched: new Set(),
    boundaryTimes: new Set(),
    order: [],
    maxEnd: [],
    errors: [],
    logs: [],
    withSpans: [],
    groups: [],
    groupSessions: [],
    pageUnits: [],
    pageSession: undefined,
    moves: 0,
    unitCount: 0,
    params: undefined,
    out: undefined,
    outParams: undefined,
  };
}

function unitKey(traceId: string, entry: StoredEnvelope): string {
  return traceId === '' ? `envelope:${entry.id}` : `trace:${traceId}`;
}

function sameParams(a: SessionParams | undefined, b: SessionParams | undefined): boolean {
  return a?.page?.traceIds === b?.page?.traceIds && a?.page?.loadedAt === b?.page?.loadedAt && a?.idleGapMs === b?.idleGapMs;
}

/** Index of the first boundary after `at`. */
function boundaryAfter(boundaries: readonly Boundary[], at: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((boundaries[mid] as Boundary).at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstUnitFrom(order: readonly Unit[], start: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((order[mid] as Unit).start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Places a unit again after it changed: returns the lowest index of `order` it was or is at (or Infinity). */
function place(state: SessionsState, unit: Unit, page: PageInfo | undefined): number {
  let from = Number.POSITIVE_INFINITY;
  const was = unit.placed;
  if (was === 'rest') from = removeSorted(state.order, unit, byPlacedStart);
  else if (was === 'page') removeSorted(state.pageUnits, unit, byPageOrder);
  unit.placed = undefined;
  if (unit.parts.size === 0) {
    state.units.delete(unit.key);
    if (was === 'page') state.pageSession = undefined;
    return from;
  }
  const inPage = page !== undefined && (unit.traceId !== undefined ? page.traceIds.has(unit.traceId) : unit.start >= page.loadedAt);
  // Both lists are sorted by the start a unit had when placed: changed units are taken out before they move.
  unit.placedStart = unit.start;
  if (inPage) {
    insertSorted(state.pageUnits, unit, byPageOrder);
    unit.placed = 'page';
    state.pageSession = undefined;
    if (!unit.fresh && unit.groupId !== 'page') state.moves += 1;
    unit.groupId = 'page';
  } else {
    unit.placed = 'rest';
    from = Math.min(from, insertSorted(state.order, unit, byPlacedStart));
    if (was === 'page') state.pageSession = undefined;
  }
  return from;
}

/**
 * Splits `order` into sessions again from index `from` on: the sessions before the one that holds
 * `from - 1` stay as they are. Appending units (a replay) thus costs O(appended).
 */
function split(state: SessionsState, from: number, idleGapMs: number): void {
  const { order, maxEnd, errors, logs, withSpans, boundaries } = state;
  const start = Math.min(from, order.length);
  // The group that goes on: the one holding the unit before `start`.
  let g = start === 0 ? -1 : state.groups.length - 1;
  while (g >= 0 && (state.groups[g] as Group).from > start - 1) g -= 1;
  state.groups.length = g + 1;
  state.groupSessions.length = Math.max(0, g);
  let group = state.groups[g];
  if (group !== undefined) {
    group.to = start;
    // Its units past `start` leave it: a new array, sessions made before keep reading theirs.
    if (group.units.length > start - group.from) group.units = group.units.slice(0, start - group.from);
  }
  let lastEnd = start === 0 ? Number.NEGATIVE_INFINITY : (maxEnd[start - 1] as number);
  let next = start === 0 ? 0 : boundaryAfter(boundaries, (order[start - 1] as Unit).start);
  maxEnd.length = errors.length = logs.length = withSpans.length = start;
  for (let i = start; i < order.length; i++) {
    const unit = order[i] as Unit;
    let crossed: Boundary | undefined;
    while (next < boundaries.length && (boundaries[next] as Boundary).at <= unit.start) {
      // A boundary during activity already seen belongs to it (a page's session item starts while its
      // pageload span runs): only one after everything so far ended starts a new session.
      if ((boundaries[next] as Boundary).at > lastEnd) crossed = boundaries[next];
      next += 1;
    }
    let kind: SessionBoundary | undefined;
    if (group === undefined) kind = crossed?.kind ?? 'first';
    else if (crossed !== undefined) kind = crossed.kind;
    else if (unit.start - lastEnd > idleGapMs) kind = 'idle-gap';
    if (kind !== undefined) {
      group = { id: `session:${unit.key}`, from: i, to: i + 1, boundary: kind, units: [unit] };
      state.groups.push(group);
    } else if (group !== undefined) {
      group.to = i + 1;
      group.units.push(unit);
    }
    if (!unit.fresh && unit.groupId !== group?.id) state.moves += 1;
    unit.groupId = group?.id;
    lastEnd = Math.max(lastEnd, unit.end);
    maxEnd.push(lastEnd);
    errors.push((errors[i - 1] ?? 0) + unit.errorCount);
    logs.push((logs[i - 1] ?? 0) + unit.logCount);
    withSpans.push((withSpans[i - 1] ?? 0) + (unit.traceName !== undefined ? 1 : 0));
  }
}

function groupSession(state: SessionsState, group: Group, current: boolean): Session {
  const { order, maxEnd, errors, logs, withSpans } = state;
  const before = (list: readonly number[]) => (group.from === 0 ? 0 : (list[group.from - 1] as number));
  const last = group.to - 1;
  // The first unit with spans names the session: found by binary search over the running count.
  let titleUnit = order[group.from] as Unit;
  const spansBefore = before(withSpans);
  if ((withSpans[last] as number) > spansBefore) {
    let lo = group.from;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((withSpans[mid] as number) > spansBefore) hi = mid;
      else lo = mid + 1;
    }
    titleUnit = order[lo] as Unit;
  }
  return makeSession(current ? 'current' : group.id, group.boundary, current, group.units, group.to - group.from, {
    startedAt: (order[group.from] as Unit).start,
    endedAt: maxEnd[last] as number,
    title: unitTitle(titleUnit) ?? 'activity',
    errorCount: (errors[last] as number) - before(errors),
    logCount: (logs[last] as number) - before(logs),
  });
}

function pageSessionOf(units: readonly Unit[]): Session {
  const titled = units.find((u) => u.traceName !== undefined) ?? units[0];
  let endedAt = units.length > 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  let errorCount = 0;
  let logCount = 0;
  for (const unit of units) {
    endedAt = Math.max(endedAt, unit.end);
    errorCount += unit.errorCount;
    logCount += unit.logCount;
  }
  return makeSession('current', 'page', true, units.slice(), units.length, {
    startedAt: units[0]?.start ?? Number.NaN,
    endedAt,
    title: (titled !== undefined ? unitTitle(titled) : undefined) ?? (units.length > 0 ? 'activity' : 'nothing yet'),
    errorCount,
    logCount,
  });
}

/**
 * What boundaries that came or went change before `from` (where units changed): a boundary only decides
 * whether the first unit after it starts a session, and of what kind. When that unit still starts one (or
 * still does not), only the kind of its session may change: those sessions are made again (`groups`) and
 * nothing is split. Otherwise the split starts there (`splitFrom`).
 */
function boundariesChanged(state: SessionsState, from: number, idleGapMs: number): { splitFrom: number; groups: number[] } {
  const { order, maxEnd, boundaries, groups } = state;
  let splitFrom = Number.POSITIVE_INFINITY;
  const patched: number[] = [];
  const seen = new Set<number>();
  for (const at of state.boundaryTimes) {
    const p = firstUnitFrom(order, at);
    if (p >= from || p >= order.length || seen.has(p)) continue;
    seen.add(p);
    const unit = order[p] as Unit;
    const lastEnd = p === 0 ? Number.NEGATIVE_INFINITY : (maxEnd[p - 1] as number);
    let crossed: Boundary | undefined;
    for (let b = p === 0 ? 0 : boundaryAfter(boundaries, (order[p - 1] as Unit).start); b < boundaries.length; b++) {
      const boundary = boundaries[b] as Boundary;
      if (boundary.at > unit.start) break;
      if (boundary.at > lastEnd) crossed = boundary;
    }
    const starts = p === 0 || crossed !== undefined || unit.start - lastEnd > idleGapMs;
    // The group that holds `p`: the last one starting at or before it.
    let lo = 0;
    let hi = groups.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((groups[mid] as Group).from <= p) lo = mid + 1;
      else hi = mid;
    }
    const g = lo - 1;
    const group = groups[g];
    if (group === undefined || starts !== (group.from === p)) {
      splitFrom = Math.min(splitFrom, p);
      continue;
    }
    const kind = crossed?.kind ?? (p === 0 ? 'first' : 'idle-gap');
    if (starts && group.boundary !== kind) {
      group.boundary = kind;
      patched.push(g);
    }
  }
  return { splitFrom, groups: patched };
}

/** Takes in the trace facts of changed units: their names, and page loads as boundaries. */
function readTraces(state: SessionsState, index: TraceHeads): void {
  for (const unit of state.touched) {
    const trace = unit.traceId !== undefined && unit.parts.size > 0 ? index.byId.get(unit.traceId) : undefined;
    unit.traceName = trace?.name;
    const root = trace?.rootSpan;
    const at = root?.op === 'pageload' ? root.start : undefined;
    if (unit.pageLoad?.at === at) continue;
    if (unit.pageLoad !== undefined) {
      removeSorted(state.boundaries, unit.pageLoad, byBoundary);
      state.boundaryTimes.add(unit.pageLoad.at);
    }
    unit.pageLoad = at !== undefined ? { at, kind: 'page-load', rank: 1, seq: unit.created } : undefined;
    if (unit.pageLoad !== undefined) {
      insertSorted(state.boundaries, unit.pageLoad, byBoundary);
      state.boundaryTimes.add(at as number);
    }
  }
}

/**
 * Sessions of the stored envelopes (see above), kept up to date: an envelope that arrives or is dropped
 * changes its units, which are placed again, and only the sessions from the earliest one they reach are
 * split again. A replay that arrives in time order thus costs O(arrived) per update.
 */
export const sessions: Derivation<SessionsState, SessionIndex, SessionParams | undefined> = {
  name: 'sessions',
  create: emptyState,
  add(state, entry, ctx) {
    const facts = ctx.of(sessionFactsOf, entry);
    for (const start of facts.starts) {
      insertSorted(state.boundaries, { ...start, rank: 0, seq: ctx.seqOf(entry) }, byBoundary);
      state.boundaryTimes.add(start.at);
    }
    const units: Unit[] = [];
    for (const [traceId, part] of facts.parts) {
      const key = unitKey(traceId, entry);
      let unit = state.units.get(key);
      if (unit === undefined) {
        unit = {
          key,
          traceId: traceId === '' ? undefined : traceId,
          created: state.unitCount++,
          parts: new Map(),
          start: part.start,
          end: part.end,
          errorCount: 0,
          logCount: 0,
          partTitle: undefined,
          traceName: undefined,
          pageLoad: undefined,
          placed: undefined,
          placedStart: part.start,
          groupId: undefined,
          fresh: true,
        };
        state.units.set(key, unit);
      }
      unit.parts.set(entry, part);
      unit.start = Math.min(unit.start, part.start);
      unit.end = Math.max(unit.end, part.end);
      unit.errorCount += part.errorCount;
      unit.logCount += part.logCount;
      unit.partTitle ??= part.title;
      state.touched.add(unit);
      units.push(unit);
    }
    if (units.length > 0) state.unitsOf.set(entry.id, units);
    state.out = undefined;
  },
  remove(state, entry, ctx) {
    const facts = ctx.of(sessionFactsOf, entry);
    for (const start of facts.starts) {
      removeEqual(state.boundaries, { ...start, rank: 0, seq: ctx.seqOf(entry) }, byBoundary);
      state.boundaryTimes.add(start.at);
    }
    for (const traceId of facts.parts.keys()) {
      const unit = state.units.get(unitKey(traceId, entry));
      if (unit === undefined || !unit.parts.delete(entry)) continue;
      refresh(unit);
      state.touched.add(unit);
    }
    state.unitsOf.delete(entry.id);
    state.out = undefined;
  },
  result(state, params, ctx) {
    const idleGapMs = params?.idleGapMs ?? DEFAULT_IDLE_GAP_MS;
    const page = params?.page !== undefined && params.page.traceIds.size > 0 ? params.page : undefined;
    if (state.out !== undefined && sameParams(state.outParams, params)) return state.out;
    readTraces(state, ctx.read(traceHeads, undefined));
    const last = state.params;
    // A page that only reported more traces moves those traces' units into its session; anything else
    // about the page or the gap places every unit again.
    const grown =
      last !== undefined &&
      last.idleGapMs === idleGapMs &&
      last.page?.loadedAt === page?.loadedAt &&
      (last.page === undefined) === (page === undefined) &&
      [...(last.page?.traceIds ?? [])].every((id) => page?.traceIds.has(id));
    let from = Number.POSITIVE_INFINITY;
    if (!grown) {
      for (const unit of state.units.values()) state.touched.add(unit);
      state.order.length = 0;
      state.pageUnits.length = 0;
      state.pageSession = undefined;
      for (const unit of state.units.values()) unit.placed = undefined;
      from = 0;
    } else if (page !== undefined && page.traceIds !== last?.page?.traceIds) {
      for (const traceId of page.traceIds) {
        const unit = state.units.get(`trace:${traceId}`);
        if (unit !== undefined && unit.placed === 'rest') state.touched.add(unit);
      }
    }
    state.params = { page, idleGapMs };
    for (const unit of state.touched) from = Math.min(from, place(state, unit, page));
    const patched = boundariesChanged(state, from, idleGapMs);
    from = Math.min(from, patched.splitFrom);
    if (from !== Number.POSITIVE_INFINITY || state.groups.length === 0) split(state, from, idleGapMs);
    for (const unit of state.touched) unit.fresh = false;
    state.touched.clear();
    state.boundaryTimes.clear();

    // Sessions of the groups a change reached (and of the last: it may stop or start being the current one).
    const { groups, groupSessions } = state;
    const lastGroup = groups.length - 1;
    for (const i of patched.groups) {
      if (i < groupSessions.length) groupSessions[i] = groupSession(state, groups[i] as Group, page === undefined && i === lastGroup);
    }
    for (let i = groupSessions.length; i < groups.length; i++) {
      groupSessions.push(groupSession(state, groups[i] as Group, page === undefined && i === lastGroup));
    }
    if (page !== undefined) state.pageSession ??= pageSessionOf(state.pageUnits);
    else state.pageSession = undefined;

    const list: Session[] = [];
    const groupIds = new Map<Session, string>();
    if (state.pageSession !== undefined) {
      list.push(state.pageSession);
      groupIds.set(state.pageSession, 'page');
    }
    for (let i = groupSessions.length - 1; i >= 0; i--) {
      const session = groupSessions[i] as Session;
      list.push(session);
      groupIds.set(session, (groups[i] as Group).id);
    }
    const current = list.find((s) => s.current);
    const index: { -readonly [K in keyof SessionIndex]: SessionIndex[K] } = { sessions: list, byId: new Map(list.map((s) => [s.id, s])) };
    if (current !== undefined) index.current = current;
    const lookup: SessionLookup = { state, groupIds };
    Object.defineProperty(index, LOOKUP, { value: lookup, enumerable: false });
    state.out = index;
    state.outParams = params;
    return index;
  },
};

/**
 * Memoized sessions of envelope arrays, with its own caches: for tests and one-off callers (the store keeps
 * `sessions` up to date, see store.ts). Successive arrays must each continue the previous one, as a store's do.
 */
export function createSessionSelector(): (input: SessionInput) => SessionIndex {
  const select = createSelector(sessions);
  return ({ envelopes, ...params }) => select(envelopes, params);
}

/** Splits these envelopes into sessions, afresh. */
export function buildSessions(input: SessionInput): SessionIndex {
  return createSessionSelector()(input);
}

/** What the user chose to look at: the current session (default), an earlier one, one trace, or everything. */
export type SessionSelection =
  | { readonly kind: 'current' }
  | { readonly kind: 'all' }
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'trace'; readonly traceId: string };

/**
 * What the selection shows. Pinned traces are visible in every session. A selected session that
 * is gone (its envelopes dropped or cleared) shows nothing rather than silently showing another.
 * The answers come from the sessions as they are when asked (see `Visibility.stamp`).
 */
export function visibility(index: SessionIndex, selection: SessionSelection, pinned: ReadonlySet<string>): Visibility {
  if (selection.kind === 'all') return ALL_VISIBLE;
  const lookup = (index as { [LOOKUP]?: SessionLookup })[LOOKUP];
  if (lookup === undefined) throw new Error('visibility() takes the sessions of a store or a session selector');
  const { state } = lookup;
  const traceIds = new Set<string>(pinned);
  if (selection.kind === 'trace') traceIds.add(selection.traceId);
  const session = selection.kind === 'current' ? index.current : selection.kind === 'session' ? index.byId.get(selection.id) : undefined;
  const groupId = session !== undefined ? lookup.groupIds.get(session) : undefined;
  const inSession = (unit: Unit): boolean => groupId !== undefined && unit.groupId === groupId;
  const shows = (unit: Unit): boolean => inSession(unit) || (unit.traceId !== undefined && traceIds.has(unit.traceId));
  const stamp = `${selection.kind}:${groupId ?? '-'}:${groupId !== undefined ? state.moves : ''}:${[...traceIds].join(',')}`;
  let traceSet: Set<string> | undefined;
  let envelopeSet: Set<string> | undefined;
  return {
    all: false,
    stamp,
    hasTrace(traceId) {
      if (traceIds.has(traceId)) return true;
      const unit = state.units.get(`trace:${traceId}`);
      return unit !== undefined && inSession(unit);
    },
    hasEnvelope(envelopeId) {
      return state.unitsOf.get(envelopeId)?.some(shows) ?? false;
    },
    entries(ctx) {
      const units: Unit[] = [];
      if (groupId === 'page') units.push(...state.pageUnits);
      else if (groupId !== undefined) units.push(...(state.groups.find((g) => g.id === groupId)?.units ?? []));
      for (const traceId of traceIds) {
        const unit = state.units.get(`trace:${traceId}`);
        if (unit !== undefined) units.push(unit);
      }
      const entries = new Set<StoredEnvelope>();
      for (const unit of units) for (const entry of unit.parts.keys()) entries.add(entry);
      return [...entries].sort((a, b) => ctx.seqOf(a) - ctx.seqOf(b));
    },
    get traceIds() {
      traceSet ??= new Set([...traceIds, ...(session?.allTraceIds ?? [])]);
      return traceSet;
    },
    get envelopeIds() {
      if (envelopeSet === undefined) {
        envelopeSet = new Set(session?.envelopeIds ?? []);
        for (const traceId of traceIds) {
          const unit = state.units.get(`trace:${traceId}`);
          for (const entry of unit?.parts.keys() ?? []) envelopeSet.add(entry.id);
        }
      }
      return envelopeSet;
    },
  };
}

/**
 * Memoized `visibility`: the tabs and every view get the same object for the same inputs (its stamp is
 * what derivations filtered by it compare, see visibility.ts).
 */
export function createVisibilitySelector(): typeof visibility {
  let last: { inputs: Parameters<typeof visibility>; output: Visibility } | undefined;
  return (...inputs) => {
    if (last === undefined || inputs.some((input, i) => input !== last?.inputs[i])) last = { inputs, output: visibility(...inputs) };
    return last.output;
  };
}
