import { createSelector, type Derivation, type DeriveContext } from './derive.ts';
import { asString } from './errorEvent.ts';
import { type LogRow, logsOfEnvelope } from './logs.ts';
import type { Service } from './sdksService.ts';
import { insertSorted, newestFirst, removeSorted } from './sortedList.ts';
import { type Span, spansOfEnvelope } from './spans.ts';
import type { StoredEnvelope } from './store.ts';
import { errorsOfEnvelope, type TraceError } from './tracesErrors.ts';
import { createVersionedMap, type VersionedMap } from './versionedMap.ts';
import { type Visibility, visibleOnly } from './visibility.ts';

/**
 * A node of a trace's tree. A span whose parent never arrived (an SDK that does not send the
 * parent, a `setTimeout` callback that outlived its transaction, a service whose caller is not
 * instrumented) hangs under a `missing-parent` node standing for the absent span, so siblings stay
 * together and nothing is dropped.
 */
export type TraceNode = SpanNode | MissingParentNode;

export interface SpanNode {
  readonly kind: 'span';
  readonly span: Span;
  readonly children: readonly TraceNode[];
}

export interface MissingParentNode {
  readonly kind: 'missing-parent';
  readonly parentSpanId: string;
  /** `missing`: the parent never arrived; `loop`: parents name each other in a circle (broken input). */
  readonly reason: 'missing' | 'loop';
  readonly start: number;
  readonly children: readonly SpanNode[];
}

export type TraceStatus = 'ok' | 'error' | 'unknown';

export interface Trace {
  readonly traceId: string;
  /** The root span's name; without root, its earliest segment's, the segment name its spans carry, or its earliest span's. */
  readonly name: string;
  /** The span without parent, when one arrived. */
  readonly rootSpan?: Span;
  readonly rootless: boolean;
  readonly op?: string;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  readonly duration: number;
  /** Deduplicated by span id, ordered by start. */
  readonly spans: readonly Span[];
  /** Services in the order they first appear in the trace. */
  readonly services: readonly Service[];
  readonly errors: readonly TraceError[];
  readonly logs: readonly LogRow[];
  readonly status: TraceStatus;
  /** Spans whose parent never arrived. */
  readonly orphanCount: number;
  readonly tree: readonly TraceNode[];
  /** Span ids that an error event names as its active span. */
  readonly errorSpanIds: ReadonlySet<string>;
  /** When the overlay received the trace's first and latest envelope (ms). */
  readonly firstReceivedAt: number;
  readonly lastReceivedAt: number;
}

export interface TraceIndex {
  /** Traces that have spans, newest (latest start) first. */
  readonly traces: readonly Trace[];
  readonly byId: ReadonlyMap<string, Trace>;
  /** Errors and logs by trace id, also for traces none of whose spans arrived. */
  readonly errorsByTrace: ReadonlyMap<string, readonly TraceError[]>;
  readonly logsByTrace: ReadonlyMap<string, readonly LogRow[]>;
  /** Every trace id anything was seen with, mapped to the envelopes that carried it. */
  readonly envelopesByTrace: ReadonlyMap<string, readonly string[]>;
}

function buildTree(spans: readonly Span[]): { tree: TraceNode[]; orphanCount: number } {
  const present = new Set(spans.map((s) => s.spanId));
  const childrenOf = new Map<string, Span[]>();
  const roots: Span[] = [];
  const missing = new Map<string, Span[]>();
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent === undefined) roots.push(span);
    else if (present.has(parent)) push(childrenOf, parent, span);
    else push(missing, parent, span);
  }

  // Built with an explicit stack: untrusted input may nest deeply or loop (A parent of B parent of A).
  const visited = new Set<string>();
  const expand = (span: Span): SpanNode => {
    visited.add(span.spanId);
    const top: SpanNode = { kind: 'span', span, children: [] };
    const stack: SpanNode[] = [top];
    while (stack.length > 0) {
      const node = stack.pop() as SpanNode;
      const children = node.children as TraceNode[];
      for (const child of childrenOf.get(node.span.spanId) ?? []) {
        if (visited.has(child.spanId)) continue;
        visited.add(child.spanId);
        const childNode: SpanNode = { kind: 'span', span: child, children: [] };
        children.push(childNode);
        stack.push(childNode);
      }
    }
    return top;
  };

  const tree: TraceNode[] = roots.map(expand);
  let orphanCount = 0;
  for (const [parentSpanId, children] of missing) {
    orphanCount += children.length;
    tree.push({ kind: 'missing-parent', parentSpanId, reason: 'missing', start: children[0]?.start ?? 0, children: children.map(expand) });
  }
  // Spans caught in a parent loop were reached from no root: show each loop under its earliest span.
  for (const span of spans) {
    if (visited.has(span.spanId)) continue;
    orphanCount += 1;
    tree.push({
      kind: 'missing-parent',
      parentSpanId: span.parentSpanId ?? '',
      reason: 'loop',
      start: span.start,
      children: [expand(span)],
    });
  }
  tree.sort((a, b) => nodeStart(a) - nodeStart(b));
  return { tree, orphanCount };
}

function nodeStart(node: TraceNode): number {
  return node.kind === 'span' ? node.span.start : node.start;
}

/** From the spans alone: errors captured in the trace are counted apart (a handled error need not fail a request). */
export function traceStatus(spans: Iterable<Span>): TraceStatus {
  let status: TraceStatus = 'unknown';
  for (const span of spans) {
    if (span.failed) return 'error';
    if (span.status !== undefined) status = 'ok';
  }
  return status;
}

/** The order of a trace's spans: by start, then span id. */
export const byStart = (a: Span, b: Span): number => a.start - b.start || a.spanId.localeCompare(b.spanId);

/**
 * A trace's name and op from its first root span, first segment and first span (in `byStart` order): the
 * root span's name; without root, its earliest segment's, the segment name its spans carry, or its earliest
 * span's.
 */
export function nameOfTrace(
  traceId: string,
  rootSpan: Span | undefined,
  firstSegment: Span | undefined,
  firstSpan: Span | undefined,
): { name: string; op: string | undefined } {
  const named = rootSpan ?? firstSegment ?? firstSpan;
  // Without its root, a trace is still best named after its segment, which span-v2 children name.
  const segmentName = rootSpan === undefined ? asString(firstSpan?.attributes['sentry.segment.name']) : undefined;
  return {
    name: (named?.isSegment ? named.name : segmentName) ?? named?.name ?? traceId,
    // The op goes with the name: not the op of a span that only lent its segment's name.
    op: named !== undefined && (named === rootSpan || named.isSegment) ? named.op : undefined,
  };
}

/** The same span can arrive twice (a retried envelope, a transaction and a streamed copy): first wins. */
export function uniqueSpans(spanList: readonly Span[]): Span[] {
  const unique = new Map<string, Span>();
  for (const span of spanList) if (!unique.has(span.spanId)) unique.set(span.spanId, span);
  return [...unique.values()];
}

function buildTrace(traceId: string, spanList: readonly Span[], errors: readonly TraceError[], logs: readonly LogRow[]): Trace {
  const spans = uniqueSpans(spanList).sort(byStart);
  const rootSpan = spans.find((s) => s.parentSpanId === undefined);
  const { name, op } = nameOfTrace(
    traceId,
    rootSpan,
    spans.find((s) => s.isSegment),
    spans[0],
  );
  const services = new Map<string, Service>();
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let firstReceivedAt = Number.POSITIVE_INFINITY;
  let lastReceivedAt = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    if (!services.has(span.service.key)) services.set(span.service.key, span.service);
    start = Math.min(start, span.start);
    end = Math.max(end, span.end);
    firstReceivedAt = Math.min(firstReceivedAt, span.receivedAt);
    lastReceivedAt = Math.max(lastReceivedAt, span.receivedAt);
  }
  const { tree, orphanCount } = buildTree(spans);
  const errorSpanIds = new Set<string>();
  for (const error of errors) if (error.spanId !== undefined) errorSpanIds.add(error.spanId);
  const trace: { -readonly [K in keyof Trace]: Trace[K] } = {
    traceId,
    name,
    rootless: rootSpan === undefined,
    start,
    end,
    duration: end - start,
    spans,
    services: [...services.values()],
    errors,
    logs,
    status: traceStatus(spans),
    orphanCount,
    tree,
    errorSpanIds,
    firstReceivedAt,
    lastReceivedAt,
  };
  if (rootSpan !== undefined) trace.rootSpan = rootSpan;
  if (op !== undefined) trace.op = op;
  return trace;
}

/** Appends to a map's list (in a trace index, one the current round already copied: see `touch`). */
function push<V>(map: { get(key: string): V[] | undefined; set(key: string, value: V[]): unknown }, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** The list's order reversed (it is kept oldest first, see sortedList.ts): newest start first, then trace id. */
function byStartAsc(a: Trace, b: Trace): number {
  return a.start - b.start || (a.traceId < b.traceId ? 1 : a.traceId > b.traceId ? -1 : 0);
}

interface TracesState {
  /** Given: a selection's traces only (see visibility.ts). */
  readonly visibility: Visibility | undefined;
  // Versioned: an index handed out keeps reading its maps as they were (see versionedMap.ts).
  readonly spansByTrace: VersionedMap<string, Span[]>;
  readonly errorsByTrace: VersionedMap<string, TraceError[]>;
  readonly logsByTrace: VersionedMap<string, LogRow[]>;
  readonly envelopesByTrace: VersionedMap<string, string[]>;
  /** Traces whose parts changed since the last result (their lists were copied: a published trace holds the old ones). */
  readonly touched: Set<string>;
  readonly byId: VersionedMap<string, Trace>;
  /** The published order reversed (oldest first), kept sorted as traces change. */
  readonly sorted: Trace[];
  /** Whether an envelope held parts of several traces (a selection may then show only some of its traces). */
  severalPerEnvelope: boolean;
  out: TraceIndex | undefined;
}

function touch(state: TracesState, traceId: string): void {
  if (state.touched.has(traceId)) return;
  state.touched.add(traceId);
  for (const map of [state.spansByTrace, state.errorsByTrace, state.logsByTrace, state.envelopesByTrace] as VersionedMap<
    string,
    unknown[]
  >[]) {
    const list = map.get(traceId);
    if (list !== undefined) map.set(traceId, list.slice());
  }
}

function partsOf(entry: StoredEnvelope, ctx: DeriveContext): [readonly Span[], readonly TraceError[], readonly LogRow[]] {
  return [ctx.of(spansOfEnvelope, entry), ctx.of(errorsOfEnvelope, entry), ctx.of(logsOfEnvelope, entry)];
}

/** Takes an envelope's items out of one trace's list (they were added together, so they sit together). */
function without<T extends { readonly envelopeId: string }>(map: VersionedMap<string, T[]>, traceId: string, envelopeId: string): void {
  const list = map.get(traceId);
  if (list === undefined) return;
  const kept = list.filter((item) => item.envelopeId !== envelopeId);
  if (kept.length > 0) map.set(traceId, kept);
  else map.delete(traceId);
}

/**
 * Joins spans, errors and logs of every service by trace id. An envelope that arrives or is dropped changes
 * only the traces it has parts of: those are built again, and every other `Trace` object stays the same,
 * so views memoized on a trace do not re-render when an unrelated envelope arrives. With a visibility,
 * the list holds only the traces it shows.
 */
export const traces: Derivation<TracesState, TraceIndex, Visibility | undefined> = {
  name: 'traces',
  create: (_ctx, visibility) => ({
    visibility,
    spansByTrace: createVersionedMap(),
    errorsByTrace: createVersionedMap(),
    logsByTrace: createVersionedMap(),
    envelopesByTrace: createVersionedMap(),
    touched: new Set(),
    byId: createVersionedMap(),
    sorted: [],
    severalPerEnvelope: false,
    out: undefined,
  }),
  add(state, entry, ctx) {
    const [spans, errors, logs] = partsOf(entry, ctx);
    let first: string | undefined;
    const note = (traceId: string): void => {
      touch(state, traceId);
      const ids = state.envelopesByTrace.get(traceId);
      if (ids === undefined) state.envelopesByTrace.set(traceId, [entry.id]);
      else if (ids[ids.length - 1] !== entry.id) ids.push(entry.id);
      first ??= traceId;
      if (traceId !== first) state.severalPerEnvelope = true;
      state.out = undefined;
    };
    for (const span of spans) {
      note(span.traceId);
      push(state.spansByTrace, span.traceId, span);
    }
    for (const error of errors) {
      if (error.traceId === undefined) continue;
      note(error.traceId);
      push(state.errorsByTrace, error.traceId, error);
    }
    for (const log of logs) {
      if (log.traceId === undefined) continue;
      note(log.traceId);
      push(state.logsByTrace, log.traceId, log);
    }
  },
  remove(state, entry, ctx) {
    const [spans, errors, logs] = partsOf(entry, ctx);
    const traceIds = new Set<string>();
    for (const span of spans) traceIds.add(span.traceId);
    for (const item of [...errors, ...logs]) if (item.traceId !== undefined) traceIds.add(item.traceId);
    for (const traceId of traceIds) {
      touch(state, traceId);
      without(state.spansByTrace, traceId, entry.id);
      without(state.errorsByTrace, traceId, entry.id);
      without(state.logsByTrace, traceId, entry.id);
      const ids = state.envelopesByTrace.get(traceId);
      const at = ids?.indexOf(entry.id) ?? -1;
      if (ids !== undefined && at >= 0) ids.splice(at, 1);
      if (ids?.length === 0) state.envelopesByTrace.delete(traceId);
    }
    if (traceIds.size > 0) state.out = undefined;
  },
  result(state) {
    if (state.out !== undefined) return state.out;
    for (const traceId of state.touched) {
      const old = state.byId.get(traceId);
      if (old !== undefined) removeSorted(state.sorted, old, byStartAsc);
      const spans = state.spansByTrace.get(traceId);
      if (spans === undefined) {
        state.byId.delete(traceId);
        continue;
      }
      const trace = buildTrace(traceId, spans, state.errorsByTrace.get(traceId) ?? [], state.logsByTrace.get(traceId) ?? []);
      state.byId.set(traceId, trace);
      insertSorted(state.sorted, trace, byStartAsc);
    }
    state.touched.clear();
    const { visibility } = state;
    // A visible envelope can hold a part of a trace the selection does not show: only then is the list filtered.
    const list = newestFirst(
      state.sorted,
      visibility !== undefined && state.severalPerEnvelope ? (t) => visibility.hasTrace(t.traceId) : undefined,
    );
    state.out = {
      traces: list,
      byId: state.byId.snapshot(),
      errorsByTrace: state.errorsByTrace.snapshot(),
      logsByTrace: state.logsByTrace.snapshot(),
      envelopesByTrace: state.envelopesByTrace.snapshot(),
    };
    return state.out;
  },
};

/** The traces a selection shows (see visibility.ts). */
export const visibleTraces = visibleOnly(traces);

/** Traces of envelope arrays, with caches of its own: for tests and one-off callers (a store keeps `traces` up to date). */
export function createTraceSelector(): (envelopes: readonly StoredEnvelope[]) => TraceIndex {
  const select = createSelector(traces);
  return (envelopes) => select(envelopes);
}

export interface WaterfallRow {
  readonly key: string;
  readonly depth: number;
  readonly node: TraceNode;
  readonly hasChildren: boolean;
}

/** The tree as rows in display order (depth first), skipping the children of collapsed nodes. */
export function waterfallRows(trace: Trace, collapsed: ReadonlySet<string> = new Set()): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const stack: { node: TraceNode; depth: number }[] = [];
  for (let i = trace.tree.length - 1; i >= 0; i--) stack.push({ node: trace.tree[i] as TraceNode, depth: 0 });
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: TraceNode; depth: number };
    const key = nodeKey(node);
    rows.push({ key, depth, node, hasChildren: node.children.length > 0 });
    if (collapsed.has(key)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as TraceNode, depth: depth + 1 });
  }
  return rows;
}

export function nodeKey(node: TraceNode): string {
  return node.kind === 'span' ? node.span.spanId : `missing:${node.parentSpanId}`;
}
