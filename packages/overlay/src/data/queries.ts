import { asString } from './errorEvent.ts';
import type { Span } from './spans.ts';
import { normalizeSql } from './sql.ts';
import type { Trace } from './traces.ts';

/** Thresholds of the insights; every one configurable through the overlay's `insights` option. */
export interface InsightOptions {
  /** The same query this many times or more under one parent span is an N+1. Default 5. */
  readonly nPlusOneMin: number;
  /** A query that took longer than this (ms) is slow. Default 100. */
  readonly slowQueryMs: number;
  /** The same outgoing request (method and URL) this many times or more in one trace is flagged. Default 5. */
  readonly repeatedCallMin: number;
}

export const DEFAULT_INSIGHT_OPTIONS: InsightOptions = { nPlusOneMin: 5, slowQueryMs: 100, repeatedCallMin: 5 };

/** Options as given (any subset, any junk) made whole: positive numbers or the defaults. */
export function resolveInsightOptions(given: Partial<Record<keyof InsightOptions, unknown>> | undefined): InsightOptions {
  const pick = (key: keyof InsightOptions, min: number): number => {
    const value = given?.[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : DEFAULT_INSIGHT_OPTIONS[key];
  };
  return {
    nPlusOneMin: Math.floor(pick('nPlusOneMin', 2)),
    slowQueryMs: pick('slowQueryMs', 0),
    repeatedCallMin: Math.floor(pick('repeatedCallMin', 2)),
  };
}

/**
 * Spans that did the same thing again and again: an N+1 (one query per item of a list, under one
 * parent span) or one outgoing request sent repeatedly in a trace.
 */
export interface Repeat {
  readonly kind: 'n-plus-one' | 'repeated-call';
  readonly traceId: string;
  /** The span they ran under (N+1); absent for repeated calls, which are counted over the trace. */
  readonly parentSpanId?: string;
  /** The normalized statement, or `METHOD url`. */
  readonly key: string;
  readonly count: number;
  /** Their durations added up: what the repetition cost. */
  readonly totalMs: number;
  /** From the first one's start to the last one's end. */
  readonly wallMs: number;
  /** In start order. */
  readonly spanIds: readonly string[];
}

/** Groups `spans` by `keyOf` within one scope and returns those seen `min` times or more, costliest first. */
export function findRepeats(
  spans: readonly Span[],
  keyOf: (span: Span) => string | undefined,
  scopeOf: (span: Span) => string | undefined,
  min: number,
  kind: Repeat['kind'],
): Repeat[] {
  const groups = new Map<string, { scope: string | undefined; key: string; spans: Span[] }>();
  for (const span of spans) {
    const key = keyOf(span);
    if (key === undefined) continue;
    const scope = scopeOf(span);
    const id = `${scope ?? ''}\u0000${key}`;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { scope, key, spans: [span] });
    else group.spans.push(span);
  }
  const out: Repeat[] = [];
  for (const { scope, key, spans: members } of groups.values()) {
    if (members.length < min) continue;
    members.sort((a, b) => a.start - b.start);
    let total = 0;
    let end = Number.NEGATIVE_INFINITY;
    for (const span of members) {
      total += span.duration;
      end = Math.max(end, span.end);
    }
    const first = members[0] as Span;
    const repeat: { -readonly [K in keyof Repeat]: Repeat[K] } = {
      kind,
      traceId: first.traceId,
      key,
      count: members.length,
      totalMs: total,
      wallMs: end - first.start,
      spanIds: members.map((s) => s.spanId),
    };
    if (scope !== undefined && kind === 'n-plus-one') repeat.parentSpanId = scope;
    out.push(repeat);
  }
  return out.sort((a, b) => b.totalMs - a.totalMs || b.count - a.count);
}

/** Nearest-rank percentile of ascending values (`p` in 0..100); NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const CACHE_SYSTEMS: ReadonlySet<string> = new Set(['redis', 'memcached']);

/** The database the span talked to (`postgresql`, `mysql`, `better-sqlite3`, ...), when the SDK said. */
export function dbSystem(span: Span): string | undefined {
  return asString(span.attributes['db.system.name']) ?? asString(span.attributes['db.system']);
}

/**
 * The statement a database span ran: `db.query.text` (current conventions), `db.statement` (older), else
 * the span's name when its op says it is a query (transaction spans put the statement there).
 */
export function queryStatement(span: Span): string | undefined {
  const op = span.op ?? '';
  const system = dbSystem(span);
  const isDb = op === 'db' || op.startsWith('db.') || system !== undefined;
  if (!isDb || (system !== undefined && CACHE_SYSTEMS.has(system)) || op.startsWith('db.redis') || op.startsWith('cache.'))
    return undefined;
  const text = asString(span.attributes['db.query.text']) ?? asString(span.attributes['db.statement']);
  if (text !== undefined && text.trim().length > 0) return text;
  // A name that is only the op (a span that named nothing) is no statement.
  return span.name.trim().length > 0 && span.name !== op ? span.name : undefined;
}

export interface QueryRun {
  readonly span: Span;
  readonly statement: string;
  readonly normalized: string;
  readonly system?: string;
  readonly slow: boolean;
}

export interface TraceQueries {
  /** In start order. */
  readonly runs: readonly QueryRun[];
  /** N+1 loops of the trace, costliest first. */
  readonly nPlusOne: readonly Repeat[];
  readonly totalMs: number;
  readonly slowCount: number;
}

/** The trace's database queries, its N+1 loops and its slow queries. */
export function traceQueries(trace: Trace, options: InsightOptions = DEFAULT_INSIGHT_OPTIONS): TraceQueries {
  const runs: QueryRun[] = [];
  const bySpan = new Map<Span, QueryRun>();
  let totalMs = 0;
  let slowCount = 0;
  for (const span of trace.spans) {
    const statement = queryStatement(span);
    if (statement === undefined) continue;
    const system = dbSystem(span);
    const slow = span.duration > options.slowQueryMs;
    const run: QueryRun =
      system === undefined
        ? { span, statement, normalized: normalizeSql(statement), slow }
        : { span, statement, normalized: normalizeSql(statement), system, slow };
    runs.push(run);
    bySpan.set(span, run);
    totalMs += span.duration;
    if (slow) slowCount += 1;
  }
  const nPlusOne = findRepeats(
    runs.map((r) => r.span),
    (span) => bySpan.get(span)?.normalized,
    (span) => span.parentSpanId ?? '',
    options.nPlusOneMin,
    'n-plus-one',
  );
  return { runs, nPlusOne, totalMs, slowCount };
}

export interface QueryGroup {
  /** `system` and normalized statement. */
  readonly key: string;
  readonly statement: string;
  readonly system?: string;
  readonly count: number;
  readonly totalMs: number;
  readonly p50: number;
  readonly p95: number;
  readonly maxMs: number;
  readonly slowCount: number;
  /** Traces it ran in, in the order the traces were given (newest first from `selectInsights`). */
  readonly traceIds: readonly string[];
  /** Its N+1 loops, in every trace. */
  readonly nPlusOne: readonly Repeat[];
  /** The span it ran in last, to open. */
  readonly lastRun: QueryRun;
}

/** Queries of many traces grouped by normalized statement, costliest (total time) first. */
export function groupQueries(traces: Iterable<{ readonly trace: Trace; readonly queries: TraceQueries }>): QueryGroup[] {
  const groups = new Map<string, { runs: QueryRun[]; traceIds: Set<string>; nPlusOne: Repeat[] }>();
  for (const { trace, queries } of traces) {
    for (const run of queries.runs) {
      const key = `${run.system ?? ''}\u0000${run.normalized}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { runs: [], traceIds: new Set(), nPlusOne: [] };
        groups.set(key, group);
      }
      group.runs.push(run);
      if (!group.traceIds.has(trace.traceId)) {
        group.traceIds.add(trace.traceId);
        for (const repeat of queries.nPlusOne) if (repeat.key === run.normalized) group.nPlusOne.push(repeat);
      }
    }
  }
  const out: QueryGroup[] = [];
  for (const [key, { runs, traceIds, nPlusOne }] of groups) {
    const durations = runs.map((r) => r.span.duration).sort((a, b) => a - b);
    let total = 0;
    for (const d of durations) total += d;
    let last = runs[0] as QueryRun;
    for (const run of runs) if (run.span.start > last.span.start) last = run;
    const group: { -readonly [K in keyof QueryGroup]: QueryGroup[K] } = {
      key,
      statement: last.normalized,
      count: runs.length,
      totalMs: total,
      p50: percentile(durations, 50),
      p95: percentile(durations, 95),
      maxMs: durations[durations.length - 1] ?? 0,
      slowCount: runs.filter((r) => r.slow).length,
      traceIds: [...traceIds],
      nPlusOne,
      lastRun: last,
    };
    if (last.system !== undefined) group.system = last.system;
    out.push(group);
  }
  return out.sort((a, b) => b.totalMs - a.totalMs || b.count - a.count || a.statement.localeCompare(b.statement));
}
