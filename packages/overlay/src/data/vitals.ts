import { asNumber, asString } from './errorEvent.ts';
import { routeTemplate } from './http.ts';
import { percentile } from './queries.ts';
import type { Span } from './spans.ts';
import type { Trace } from './traces.ts';

export type VitalName = 'lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb';
export type VitalRating = 'good' | 'needs-improvement' | 'poor';

export const VITALS: readonly VitalName[] = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'];

/**
 * web.dev's thresholds (https://web.dev/articles/vitals and the FCP and TTFB articles): good up to
 * the first number, poor above the second. Milliseconds, except CLS (unitless).
 */
export const VITAL_THRESHOLDS: Readonly<Record<VitalName, readonly [good: number, poor: number]>> = {
  lcp: [2500, 4000],
  inp: [200, 500],
  cls: [0.1, 0.25],
  fcp: [1800, 3000],
  ttfb: [800, 1800],
};

export function rateVital(name: VitalName, value: number): VitalRating {
  const [good, poor] = VITAL_THRESHOLDS[name];
  if (value <= good) return 'good';
  return value <= poor ? 'needs-improvement' : 'poor';
}

/** One page load (or navigation) and the vitals measured for it. */
export interface PageLoad {
  readonly traceId: string;
  readonly span: Span;
  /** The page as a route (`/orders/:id`). */
  readonly page: string;
  readonly op: string;
  readonly values: Readonly<Partial<Record<VitalName, number>>>;
}

export interface PageVital {
  /** The 75th percentile over the page's loads, as web.dev assesses a page. */
  readonly p75: number;
  readonly rating: VitalRating;
  readonly samples: number;
}

export interface PageVitals {
  readonly page: string;
  readonly loads: readonly PageLoad[];
  readonly vitals: Readonly<Partial<Record<VitalName, PageVital>>>;
}

const PAGE_OPS: ReadonlySet<string> = new Set(['pageload', 'navigation']);

/** A vital on a span: span-v2 attributes (`browser.web_vital.lcp.value`) or a transaction's measurements. */
function vitalOf(span: Span, name: VitalName): number | undefined {
  const a = span.attributes;
  const fromAttribute = asNumber(a[`browser.web_vital.${name}.value`]);
  if (fromAttribute !== undefined) return fromAttribute;
  // spans.ts writes a transaction's measurements as `measurement.<name>`: a number, or "<value> <unit>".
  const measured = a[`measurement.${name}`];
  if (typeof measured === 'number') return measured;
  if (typeof measured === 'string') {
    const value = Number.parseFloat(measured);
    if (!Number.isFinite(value)) return undefined;
    return measured.endsWith(' second') ? value * 1000 : value;
  }
  return undefined;
}

function pageOf(span: Span): string {
  const source = asString(span.attributes['sentry.segment.name.source']) ?? asString(span.attributes['sentry.source']);
  if (source === 'route' || source === 'custom') return span.name;
  // Named after its URL, a page load's name may be generic ("Pageload"): its path says which page.
  const path = asString(span.attributes['url.path']);
  if (path !== undefined) return routeTemplate(path);
  return span.name.startsWith('/') ? routeTemplate(span.name) : span.name;
}

/**
 * The page loads of a trace with their vitals. Vitals sent as spans of their own (LCP, CLS, and INP
 * on interaction spans, as the browser SDK streams them) join the page load they name
 * (`sentry.pageload.span_id`), else their parent.
 */
export function tracePageLoads(trace: Trace): PageLoad[] {
  const loads = new Map<string, { span: Span; values: Partial<Record<VitalName, number>> }>();
  for (const span of trace.spans) {
    if (span.op !== undefined && PAGE_OPS.has(span.op)) loads.set(span.spanId, { span, values: {} });
  }
  if (loads.size === 0) return [];
  for (const span of trace.spans) {
    const own = loads.get(span.spanId);
    const target = own ?? loads.get(asString(span.attributes['sentry.pageload.span_id']) ?? '') ?? loads.get(span.parentSpanId ?? '');
    if (target === undefined) continue;
    for (const name of VITALS) {
      const value = vitalOf(span, name);
      // INP is the worst interaction: keep the largest.
      if (value !== undefined && (target.values[name] === undefined || (name === 'inp' && value > (target.values[name] ?? 0)))) {
        target.values[name] = value;
      }
    }
  }
  return [...loads.values()].map(({ span, values }) => ({
    traceId: trace.traceId,
    span,
    page: pageOf(span),
    op: span.op ?? 'pageload',
    values,
  }));
}

/** Page loads grouped by page, with each vital's p75 and rating; the most loaded page first. */
export function groupPageVitals(loads: Iterable<PageLoad>): PageVitals[] {
  const pages = new Map<string, PageLoad[]>();
  for (const load of loads) {
    const list = pages.get(load.page);
    if (list === undefined) pages.set(load.page, [load]);
    else list.push(load);
  }
  const out: PageVitals[] = [];
  for (const [page, list] of pages) {
    const vitals: Partial<Record<VitalName, PageVital>> = {};
    for (const name of VITALS) {
      const values = list.map((l) => l.values[name]).filter((v): v is number => v !== undefined);
      if (values.length === 0) continue;
      values.sort((a, b) => a - b);
      const p75 = percentile(values, 75);
      vitals[name] = { p75, rating: rateVital(name, p75), samples: values.length };
    }
    out.push({ page, loads: list, vitals });
  }
  return out.sort((a, b) => b.loads.length - a.loads.length || a.page.localeCompare(b.page));
}
