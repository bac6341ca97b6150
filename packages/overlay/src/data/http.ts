import { asNumber, asString } from './errorEvent.ts';
import { DEFAULT_INSIGHT_OPTIONS, findRepeats, type InsightOptions, percentile, type Repeat } from './queries.ts';
import type { Span } from './spans.ts';
import type { Trace } from './traces.ts';

/** One outgoing HTTP request (an `http.client` span). */
export interface HttpCall {
  readonly span: Span;
  readonly method: string;
  /** As sent, query string included; `host + path` when the SDK sent no URL. */
  readonly url: string;
  /** `host[:port]`, or '' when unknown (a relative URL in a browser). */
  readonly host: string;
  readonly path: string;
  /** The path with ids replaced by `:id` (`/users/:id/orders`). */
  readonly route: string;
  readonly status?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_ID = /^[0-9a-f]{12,}$/i;

/** Whether a path segment is an id rather than part of the route: numbers, UUIDs, hashes, long tokens with digits. */
export function isIdSegment(segment: string): boolean {
  if (segment.length === 0) return false;
  if (/^\d+$/.test(segment) || UUID.test(segment)) return true;
  if (HEX_ID.test(segment) && /\d/.test(segment)) return true;
  // Slugs with a trailing number (`order-1234`) stay; tokens mixing letters and digits (ULIDs, base64 ids) go.
  return segment.length >= 16 && /\d/.test(segment) && /^[A-Za-z0-9_-]+$/.test(segment) && !/^[a-z]+(?:-[a-z]+)*-\d+$/i.test(segment);
}

/** The route template of a URL path: ids replaced by `:id`, no query string. */
export function routeTemplate(path: string): string {
  const clean = path.replace(/[?#].*$/, '');
  return clean
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // Keep it as sent.
      }
      return isIdSegment(decoded) ? ':id' : segment;
    })
    .join('/');
}

/** The call an `http.client` span made, or undefined for other spans. */
export function httpCallOf(span: Span): HttpCall | undefined {
  const op = span.op ?? '';
  if (op !== 'http.client' && !(op === 'http' && span.attributes['sentry.kind'] === 'client')) return undefined;
  const a = span.attributes;
  const nameParts = /^([A-Z]+)\s+(\S+)/.exec(span.name);
  const method = (asString(a['http.request.method']) ?? asString(a['http.method']) ?? nameParts?.[1] ?? 'GET').toUpperCase();
  let url = asString(a['url.full']) ?? asString(a['http.url']) ?? nameParts?.[2] ?? '';
  let host = '';
  let path = asString(a['url.path']) ?? '';
  try {
    const parsed = new URL(url);
    host = parsed.host;
    if (path === '') path = parsed.pathname;
  } catch {
    // Relative (a browser's `fetch('/api/x')`) or only a host in the name.
    const address = asString(a['server.address']);
    const port = asNumber(a['server.port']);
    host = address !== undefined ? `${address}${port !== undefined ? `:${port}` : ''}` : '';
    if (path === '') path = url.startsWith('/') ? url : '';
    if (url === '') url = `${host}${path}`;
  }
  const status = asNumber(a['http.response.status_code']) ?? asNumber(a['http.status_code']);
  const call: { -readonly [K in keyof HttpCall]: HttpCall[K] } = { span, method, url, host, path, route: routeTemplate(path || '/') };
  if (status !== undefined) call.status = status;
  return call;
}

export interface TraceHttp {
  readonly calls: readonly HttpCall[];
  /** The same method and URL `repeatedCallMin` times or more in the trace, costliest first. */
  readonly repeated: readonly Repeat[];
}

export function traceHttp(trace: Trace, options: InsightOptions = DEFAULT_INSIGHT_OPTIONS): TraceHttp {
  const calls: HttpCall[] = [];
  const bySpan = new Map<Span, HttpCall>();
  for (const span of trace.spans) {
    const call = httpCallOf(span);
    if (call === undefined) continue;
    calls.push(call);
    bySpan.set(span, call);
  }
  const repeated = findRepeats(
    calls.map((c) => c.span),
    (span) => {
      const call = bySpan.get(span);
      return call === undefined ? undefined : `${call.method} ${call.url}`;
    },
    () => undefined,
    options.repeatedCallMin,
    'repeated-call',
  );
  return { calls, repeated };
}

export interface HttpGroup {
  /** `METHOD host route`. */
  readonly key: string;
  readonly method: string;
  readonly host: string;
  readonly route: string;
  readonly count: number;
  readonly totalMs: number;
  readonly p50: number;
  readonly p95: number;
  /** Response status codes and how often each came; `0` counts calls without one (network errors). */
  readonly statuses: ReadonlyMap<number, number>;
  /** Calls answered 4xx/5xx or failed without a response. */
  readonly errorCount: number;
  readonly traceIds: readonly string[];
  readonly repeated: readonly Repeat[];
  readonly lastCall: HttpCall;
}

/** Outgoing calls of many traces grouped by method, host and route template, costliest first. */
export function groupHttp(traces: Iterable<{ readonly trace: Trace; readonly http: TraceHttp }>): HttpGroup[] {
  const groups = new Map<string, { calls: HttpCall[]; traceIds: Set<string>; repeated: Set<Repeat> }>();
  for (const { trace, http } of traces) {
    const repeatOf = new Map<string, Repeat>();
    for (const repeat of http.repeated) for (const id of repeat.spanIds) repeatOf.set(id, repeat);
    for (const call of http.calls) {
      const key = `${call.method} ${call.host} ${call.route}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { calls: [], traceIds: new Set(), repeated: new Set() };
        groups.set(key, group);
      }
      group.calls.push(call);
      group.traceIds.add(trace.traceId);
      const repeat = repeatOf.get(call.span.spanId);
      if (repeat !== undefined) group.repeated.add(repeat);
    }
  }
  const out: HttpGroup[] = [];
  for (const [key, { calls, traceIds, repeated }] of groups) {
    const durations = calls.map((c) => c.span.duration).sort((a, b) => a - b);
    let total = 0;
    for (const d of durations) total += d;
    const statuses = new Map<number, number>();
    let errorCount = 0;
    let last = calls[0] as HttpCall;
    for (const call of calls) {
      const code = call.status ?? 0;
      statuses.set(code, (statuses.get(code) ?? 0) + 1);
      if (call.status === undefined ? call.span.failed : call.status >= 400) errorCount += 1;
      if (call.span.start > last.span.start) last = call;
    }
    out.push({
      key,
      method: last.method,
      host: last.host,
      route: last.route,
      count: calls.length,
      totalMs: total,
      p50: percentile(durations, 50),
      p95: percentile(durations, 95),
      statuses: new Map([...statuses].sort((a, b) => a[0] - b[0])),
      errorCount,
      traceIds: [...traceIds],
      repeated: [...repeated],
      lastCall: last,
    });
  }
  return out.sort((a, b) => b.totalMs - a.totalMs || b.count - a.count || a.key.localeCompare(b.key));
}
