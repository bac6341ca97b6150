import { asString } from './errorEvent.ts';
import { type LogRow, logsOfEnvelope } from './logs.ts';
import type { Service } from './sdksService.ts';
import { type Span, spansOfEnvelope } from './spans.ts';
import { appendedFrom, type StoredEnvelope } from './store.ts';
import { errorsOfEnvelope, type TraceError } from './tracesErrors.ts';

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

const byStart = (a: Span, b: Span): number => a.start - b.start || a.spanId.localeCompare(b.spanId);

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
function traceStatus(spans: readonly Span[]): TraceStatus {
  if (spans.some((s) => s.failed)) return 'error';
  return spans.some((s) => s.status !== undefined) ? 'ok' : 'unknown';
}

function buildTrace(traceId: string, spanList: readonly Span[], errors: readonly TraceError[], logs: readonly LogRow[]): Trace {
  // The same span can arrive twice (a retried envelope, a transaction and a streamed copy): first wins.
  const unique = new Map<string, Span>();
  for (const span of spanList) if (!unique.has(span.spanId)) unique.set(span.spanId, span);
  const spans = [...unique.values()].sort(byStart);
  const rootSpan = spans.find((s) => s.parentSpanId === undefined);
  const named = rootSpan ?? spans.find((s) => s.isSegment) ?? spans[0];
  // Without its root, a trace is still best named after its segment, which span-v2 children name.
  const segmentName = rootSpan === undefined ? asString(spans[0]?.attributes['sentry.segment.name']) : undefined;
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
    name: (named?.isSegment ? named.name : segmentName) ?? named?.name ?? traceId,
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
  // The op goes with the name: not the op of a span that only lent its segment's name.
  const op = named !== undefined && (named === rootSpan || named.isSegment) ? named.op : undefined;
  if (op !== undefined) trace.op = op;
  return trace;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Spans, errors and logs joined by trace id, as the selector accumulates them. */
interface TraceParts {
  readonly spansByTrace: Map<string, Span[]>;
  readonly errorsByTrace: Map<string, TraceError[]>;
  readonly logsByTrace: Map<string, LogRow[]>;
  readonly envelopesByTrace: Map<string, string[]>;
}

function emptyParts(): TraceParts {
  return { spansByTrace: new Map(), errorsByTrace: new Map(), logsByTrace: new Map(), envelopesByTrace: new Map() };
}

/**
 * Adds envelopes to the joined parts and returns the trace ids they touched. With `published`, the
 * lists of a trace are copied before they first grow: an earlier result (and its `Trace` objects)
 * holds them and must not change.
 */
function addEnvelopes(parts: TraceParts, envelopes: readonly StoredEnvelope[], published: boolean): Set<string> {
  const touched = new Set<string>();
  const lists = [parts.spansByTrace, parts.errorsByTrace, parts.logsByTrace, parts.envelopesByTrace] as Map<string, unknown[]>[];
  const touch = (traceId: string): void => {
    if (touched.has(traceId)) return;
    touched.add(traceId);
    if (!published) return;
    for (const map of lists) {
      const list = map.get(traceId);
      if (list !== undefined) map.set(traceId, [...list]);
    }
  };
  const note = (traceId: string, envelopeId: string): void => {
    const ids = parts.envelopesByTrace.get(traceId);
    if (ids === undefined) parts.envelopesByTrace.set(traceId, [envelopeId]);
    else if (ids[ids.length - 1] !== envelopeId) ids.push(envelopeId);
  };
  for (const stored of envelopes) {
    for (const span of spansOfEnvelope(stored)) {
      touch(span.traceId);
      push(parts.spansByTrace, span.traceId, span);
      note(span.traceId, stored.id);
    }
    for (const error of errorsOfEnvelope(stored)) {
      if (error.traceId === undefined) continue;
      touch(error.traceId);
      push(parts.errorsByTrace, error.traceId, error);
      note(error.traceId, stored.id);
    }
    for (const log of logsOfEnvelope(stored)) {
      if (log.traceId === undefined) continue;
      touch(log.traceId);
      push(parts.logsByTrace, log.traceId, log);
      note(log.traceId, stored.id);
    }
  }
  return touched;
}

/**
 * Creates a selector that joins spans, errors and logs of every service by trace id. It keeps the
 * previous result's `Trace` objects for traces that gained nothing, so views memoized on a trace
 * do not re-render when an unrelated envelope arrives. When the store only appended (every frame of
 * a replay), it joins the new envelopes alone and rebuilds only the traces they touched: a replay of
 * N envelopes costs O(N) joins, not O(N) per frame.
 */
export function createTraceSelector(): (envelopes: readonly StoredEnvelope[]) => TraceIndex {
  let lastInput: readonly StoredEnvelope[] | undefined;
  let lastOutput: TraceIndex | undefined;
  let parts = emptyParts();
  let cache = new Map<string, { signature: string; trace: Trace }>();
  const signatureOf = (traceId: string): string => {
    // The store only appends and drops its oldest: the same first, last and count mean the same envelopes.
    const ids = parts.envelopesByTrace.get(traceId) ?? [];
    return `${ids.length}:${ids[0]}:${ids[ids.length - 1]}`;
  };
  const traceOf = (traceId: string, spans: readonly Span[], signature: string): Trace => {
    const cached = cache.get(traceId);
    return cached !== undefined && cached.signature === signature
      ? cached.trace
      : buildTrace(traceId, spans, parts.errorsByTrace.get(traceId) ?? [], parts.logsByTrace.get(traceId) ?? []);
  };
  return (envelopes) => {
    if (envelopes === lastInput && lastOutput !== undefined) return lastOutput;
    const from = lastOutput !== undefined ? appendedFrom(lastInput, envelopes) : undefined;
    let traces: Trace[];
    if (from !== undefined && lastOutput !== undefined) {
      const touched = addEnvelopes(parts, envelopes.slice(from), true);
      const byId = new Map<string, Trace>(lastOutput.byId);
      for (const traceId of touched) {
        const spans = parts.spansByTrace.get(traceId);
        if (spans === undefined) continue;
        const signature = signatureOf(traceId);
        const trace = traceOf(traceId, spans, signature);
        cache.set(traceId, { signature, trace });
        byId.set(traceId, trace);
      }
      // The same order a full rebuild visits them in (first seen first), before the sort.
      traces = [];
      for (const traceId of parts.spansByTrace.keys()) traces.push(byId.get(traceId) as Trace);
    } else {
      parts = emptyParts();
      addEnvelopes(parts, envelopes, false);
      const nextCache = new Map<string, { signature: string; trace: Trace }>();
      traces = [];
      for (const [traceId, spans] of parts.spansByTrace) {
        const signature = signatureOf(traceId);
        const trace = traceOf(traceId, spans, signature);
        nextCache.set(traceId, { signature, trace });
        traces.push(trace);
      }
      cache = nextCache;
    }
    traces.sort((a, b) => b.start - a.start || a.traceId.localeCompare(b.traceId));
    lastInput = envelopes;
    lastOutput = {
      traces,
      byId: new Map(traces.map((t) => [t.traceId, t])),
      errorsByTrace: new Map(parts.errorsByTrace),
      logsByTrace: new Map(parts.logsByTrace),
      envelopesByTrace: new Map(parts.envelopesByTrace),
    };
    return lastOutput;
  };
}

/** The overlay's trace selector. */
export const selectTraces = createTraceSelector();

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
