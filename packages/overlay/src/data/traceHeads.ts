import type { Derivation, DeriveContext } from './derive.ts';
import { type Span, spansOfEnvelope } from './spans.ts';
import type { StoredEnvelope } from './store.ts';
import { byStart, nameOfTrace, type TraceStatus } from './traces.ts';
import { createVersionedMap, type VersionedMap } from './versionedMap.ts';
import { type Visibility, visibleOnly } from './visibility.ts';

/**
 * What a trace is called and whether it failed, without its tree: what sessions (their titles, page loads),
 * the session picker and the tab counts read. Reading these costs a pass over a trace's spans, where a
 * `Trace` (traces.ts) sorts them and builds the waterfall: a page whose overlay stays closed never builds one.
 */
export interface TraceHead {
  readonly traceId: string;
  /** As `Trace.name`. */
  readonly name: string;
  readonly status: TraceStatus;
  /** The root span, when it arrived. */
  readonly rootSpan?: Span;
}

export interface TraceHeads {
  /** Traces that have spans. An index handed out keeps reading its map as it was (see versionedMap.ts). */
  readonly byId: ReadonlyMap<string, TraceHead>;
  /** How many of them a selection shows (with a visibility), or all of them. */
  readonly count: number;
}

/** What a head is read from, kept as spans arrive: the first root, segment and span, and status counts. */
interface HeadParts {
  /** The envelopes that brought spans of the trace, in arrival order: what it is read from again when one is dropped. */
  readonly entries: StoredEnvelope[];
  /**
   * Span ids seen, once a second envelope brings spans of the trace: the same span can arrive twice (a retried
   * envelope, a transaction and a streamed copy), and the first wins. Within one envelope each span is sent once.
   */
  ids: Set<string> | undefined;
  rootSpan: Span | undefined;
  firstSegment: Span | undefined;
  firstSpan: Span | undefined;
  failed: number;
  withStatus: number;
}

interface HeadsState {
  readonly visibility: Visibility | undefined;
  readonly parts: Map<string, HeadParts>;
  readonly byId: VersionedMap<string, TraceHead>;
  readonly touched: Set<string>;
  /** An envelope held spans of several traces: a selection may then show only some of the traces. */
  severalPerEnvelope: boolean;
  out: TraceHeads | undefined;
}

function emptyParts(): HeadParts {
  return { entries: [], ids: undefined, rootSpan: undefined, firstSegment: undefined, firstSpan: undefined, failed: 0, withStatus: 0 };
}

function spansOfTrace(ctx: DeriveContext, entry: StoredEnvelope, traceId: string): Span[] {
  return ctx.of(spansOfEnvelope, entry).filter((span) => span.traceId === traceId);
}

/** Folds in a span that `entry` brought. */
function take(parts: HeadParts, span: Span, entry: StoredEnvelope, ctx: DeriveContext): void {
  if (parts.entries[parts.entries.length - 1] !== entry) {
    parts.entries.push(entry);
    if (parts.entries.length === 2)
      parts.ids = new Set(spansOfTrace(ctx, parts.entries[0] as StoredEnvelope, span.traceId).map((s) => s.spanId));
  }
  if (parts.ids !== undefined) {
    if (parts.ids.has(span.spanId)) return;
    parts.ids.add(span.spanId);
  }
  if (parts.firstSpan === undefined || byStart(span, parts.firstSpan) < 0) parts.firstSpan = span;
  if (span.isSegment && (parts.firstSegment === undefined || byStart(span, parts.firstSegment) < 0)) parts.firstSegment = span;
  if (span.parentSpanId === undefined && (parts.rootSpan === undefined || byStart(span, parts.rootSpan) < 0)) parts.rootSpan = span;
  if (span.failed) parts.failed += 1;
  if (span.status !== undefined) parts.withStatus += 1;
}

function headOf(traceId: string, parts: HeadParts): TraceHead {
  const head: { -readonly [K in keyof TraceHead]: TraceHead[K] } = {
    traceId,
    name: nameOfTrace(traceId, parts.rootSpan, parts.firstSegment, parts.firstSpan).name,
    // As `traceStatus` reads the spans.
    status: parts.failed > 0 ? 'error' : parts.withStatus > 0 ? 'ok' : 'unknown',
  };
  if (parts.rootSpan !== undefined) head.rootSpan = parts.rootSpan;
  return head;
}

/** The heads of the traces with spans, kept up to date per envelope (see `TraceHead`). */
export const traceHeads: Derivation<HeadsState, TraceHeads, Visibility | undefined> = {
  name: 'traceHeads',
  create: (_ctx, visibility) => ({
    visibility,
    parts: new Map(),
    byId: createVersionedMap(),
    touched: new Set(),
    severalPerEnvelope: false,
    out: undefined,
  }),
  add(state, entry, ctx) {
    let first: string | undefined;
    for (const span of ctx.of(spansOfEnvelope, entry)) {
      let parts = state.parts.get(span.traceId);
      if (parts === undefined) {
        parts = emptyParts();
        state.parts.set(span.traceId, parts);
      }
      take(parts, span, entry, ctx);
      state.touched.add(span.traceId);
      first ??= span.traceId;
      if (span.traceId !== first) state.severalPerEnvelope = true;
      state.out = undefined;
    }
  },
  remove(state, entry, ctx) {
    for (const traceId of new Set(ctx.of(spansOfEnvelope, entry).map((span) => span.traceId))) {
      const parts = state.parts.get(traceId);
      if (parts === undefined) continue;
      // Read again from the envelopes left (drops are rare next to arrivals).
      const left = emptyParts();
      for (const kept of parts.entries)
        if (kept !== entry) for (const span of spansOfTrace(ctx, kept, traceId)) take(left, span, kept, ctx);
      if (left.entries.length > 0) state.parts.set(traceId, left);
      else state.parts.delete(traceId);
      state.touched.add(traceId);
      state.out = undefined;
    }
  },
  result(state) {
    if (state.out !== undefined) return state.out;
    for (const traceId of state.touched) {
      const parts = state.parts.get(traceId);
      if (parts === undefined) state.byId.delete(traceId);
      else state.byId.set(traceId, headOf(traceId, parts));
    }
    state.touched.clear();
    const { visibility } = state;
    let count = state.parts.size;
    if (visibility !== undefined && state.severalPerEnvelope) {
      count = 0;
      for (const traceId of state.parts.keys()) if (visibility.hasTrace(traceId)) count += 1;
    }
    state.out = { byId: state.byId.snapshot(), count };
    return state.out;
  },
};

/** The heads of the traces a selection shows (see visibility.ts): the traces tab counts them. */
export const visibleTraceHeads = visibleOnly(traceHeads);
