import type { Derivation } from './derive.ts';
import { asString } from './errorEvent.ts';
import { groupHttp, type HttpGroup, type TraceHttp, traceHttp } from './http.ts';
import { type LlmCall, traceLlmCalls } from './llm.ts';
import type { ProfileIndex, ProfileSource } from './profiles.ts';
import {
  DEFAULT_INSIGHT_OPTIONS,
  groupQueries,
  type InsightOptions,
  type QueryGroup,
  type Repeat,
  type TraceQueries,
  traceQueries,
} from './queries.ts';
import type { Span } from './spans.ts';
import type { StoredEnvelope } from './store.ts';
import { createTraceSelector, type Trace, visibleTraces } from './traces.ts';
import type { Visibility } from './visibility.ts';
import { groupPageVitals, type PageLoad, type PageVitals, tracePageLoads } from './vitals.ts';

/** What the insights found in one trace. */
export interface TraceInsights {
  readonly trace: Trace;
  readonly queries: TraceQueries;
  readonly http: TraceHttp;
  readonly llm: readonly LlmCall[];
  readonly pageLoads: readonly PageLoad[];
  /** Spans that are part of an N+1 loop or a repeated call, by span id. */
  readonly repeats: ReadonlyMap<string, Repeat>;
  /** N+1 loops and repeated calls, costliest first. */
  readonly findings: readonly Repeat[];
}

export interface InsightsIndex {
  readonly options: InsightOptions;
  readonly byTrace: ReadonlyMap<string, TraceInsights>;
  readonly queries: readonly QueryGroup[];
  readonly http: readonly HttpGroup[];
  /** Every N+1 loop and repeated call, costliest first. */
  readonly findings: readonly Repeat[];
  /** Every model call, newest first. */
  readonly llm: readonly LlmCall[];
  readonly pages: readonly PageVitals[];
}

export function traceInsights(trace: Trace, options: InsightOptions = DEFAULT_INSIGHT_OPTIONS): TraceInsights {
  const queries = traceQueries(trace, options);
  const http = traceHttp(trace, options);
  const findings = [...queries.nPlusOne, ...http.repeated].sort((a, b) => b.totalMs - a.totalMs);
  const repeats = new Map<string, Repeat>();
  for (const repeat of findings) for (const spanId of repeat.spanIds) if (!repeats.has(spanId)) repeats.set(spanId, repeat);
  return { trace, queries, http, llm: traceLlmCalls(trace), pageLoads: tracePageLoads(trace), repeats, findings };
}

/**
 * A selector from traces (newest first, e.g. the session's visible ones) to insights. Per-trace results
 * are kept for as long as the trace selector hands back the same `Trace` object (it does while the
 * trace gains nothing), so a new envelope costs the traces it touched plus the grouping.
 */
export function createInsightsSelector(options: InsightOptions = DEFAULT_INSIGHT_OPTIONS): (traces: readonly Trace[]) => InsightsIndex {
  let perTrace = new WeakMap<Trace, TraceInsights>();
  let lastInput: readonly Trace[] | undefined;
  let lastOutput: InsightsIndex | undefined;
  return (traces) => {
    if (traces === lastInput && lastOutput !== undefined) return lastOutput;
    const byTrace = new Map<string, TraceInsights>();
    const list: TraceInsights[] = [];
    const next = new WeakMap<Trace, TraceInsights>();
    for (const trace of traces) {
      let insights = perTrace.get(trace);
      if (insights === undefined) insights = traceInsights(trace, options);
      next.set(trace, insights);
      byTrace.set(trace.traceId, insights);
      list.push(insights);
    }
    perTrace = next;
    const findings = list.flatMap((t) => t.findings).sort((a, b) => b.totalMs - a.totalMs);
    const llm = list.flatMap((t) => t.llm).sort((a, b) => b.span.start - a.span.start);
    lastInput = traces;
    lastOutput = {
      options,
      byTrace,
      queries: groupQueries(list),
      http: groupHttp(list),
      findings,
      llm,
      pages: groupPageVitals(list.flatMap((t) => t.pageLoads)),
    };
    return lastOutput;
  };
}

export interface InsightsParams {
  /** The selection whose traces are looked at (see visibility.ts). */
  readonly visibility: Visibility;
  readonly options: InsightOptions;
}

interface InsightsState {
  readonly options: InsightOptions;
  readonly select: (traces: readonly Trace[]) => InsightsIndex;
}

/**
 * The insights of the traces a selection shows, as a store view: each trace's are read once per `Trace`
 * object (see `createInsightsSelector`), from the store's own traces of the selection.
 */
export const insights: Derivation<InsightsState, InsightsIndex, InsightsParams> = {
  name: 'insights',
  create: (_ctx, { options }) => ({ options, select: createInsightsSelector(options) }),
  keeps: (state, { options }) => state.options === options,
  // Read from the traces, which follow the envelopes themselves.
  add() {},
  remove() {},
  result: (state, { visibility }, ctx) => state.select(ctx.read(visibleTraces, visibility).traces),
};

/** One N+1 loop, as an agent or `tail` reports it. */
export interface NPlusOneReport {
  readonly traceId: string;
  readonly traceName: string;
  readonly statement: string;
  readonly count: number;
  readonly totalMs: number;
  /** The span the queries ran under, and its name. */
  readonly parentSpanId?: string;
  readonly parentName?: string;
  readonly service: string;
  readonly spanIds: readonly string[];
}

/**
 * Insights of stored envelopes, without an overlay: for the CLI and the MCP server ("which queries
 * are N+1?"). Pure; builds its own trace index.
 */
export function insightsOfEnvelopes(
  envelopes: readonly StoredEnvelope[],
  options: InsightOptions = DEFAULT_INSIGHT_OPTIONS,
): InsightsIndex {
  return createInsightsSelector(options)(createTraceSelector()(envelopes).traces);
}

/** The N+1 loops in stored envelopes, costliest first, with what an answer needs to name them. */
export function findNPlusOneQueries(
  envelopes: readonly StoredEnvelope[],
  options: InsightOptions = DEFAULT_INSIGHT_OPTIONS,
): NPlusOneReport[] {
  const insights = insightsOfEnvelopes(envelopes, options);
  const out: NPlusOneReport[] = [];
  for (const repeat of insights.findings) {
    if (repeat.kind !== 'n-plus-one') continue;
    const trace = insights.byTrace.get(repeat.traceId)?.trace;
    if (trace === undefined) continue;
    const parent = trace.spans.find((s) => s.spanId === repeat.parentSpanId);
    const first = trace.spans.find((s) => s.spanId === repeat.spanIds[0]);
    const report: { -readonly [K in keyof NPlusOneReport]: NPlusOneReport[K] } = {
      traceId: trace.traceId,
      traceName: trace.name,
      statement: repeat.key,
      count: repeat.count,
      totalMs: repeat.totalMs,
      service: first?.service.label ?? '',
      spanIds: repeat.spanIds,
    };
    if (repeat.parentSpanId !== undefined && repeat.parentSpanId !== '') report.parentSpanId = repeat.parentSpanId;
    if (parent !== undefined) report.parentName = parent.name;
    out.push(report);
  }
  return out;
}

/**
 * The profiles that may hold samples of a span: the continuous profiler its span or segment names
 * (`sentry.profiler_id`), and transaction profiles of its trace.
 */
export function profilesForSpan(index: ProfileIndex, trace: Trace, span: Span): ProfileSource[] {
  const ids = new Set<string>();
  const own = asString(span.attributes['sentry.profiler_id']);
  if (own !== undefined) ids.add(own.replaceAll('-', '').toLowerCase());
  else {
    const segmentId = asString(span.attributes['sentry.segment.id']);
    for (const other of trace.spans) {
      if (other.service.key !== span.service.key) continue;
      if (segmentId !== undefined && other.spanId !== segmentId) continue;
      const id = asString(other.attributes['sentry.profiler_id']);
      if (id !== undefined) ids.add(id.replaceAll('-', '').toLowerCase());
    }
  }
  const out: ProfileSource[] = [];
  for (const id of ids) out.push(...(index.byProfiler.get(id) ?? []));
  out.push(...(index.byTrace.get(trace.traceId) ?? []));
  return out.filter((source) => source.end >= span.start && source.start <= span.end);
}
