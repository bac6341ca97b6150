import type { LogRow } from 'sentry-spotlight/data/logs.ts';
import type { Trace, TraceNode } from 'sentry-spotlight/data/traces.ts';
import { code, formatDuration, inline, isoTime } from './text.ts';

/** A trace as search_traces lists it and get_issue links to it (structured content). */
export interface TraceSummary {
  readonly traceId: string;
  readonly name: string;
  readonly start: string;
  readonly durationMs: number;
  readonly spans: number;
  readonly errors: number;
  readonly logs: number;
  readonly status: string;
  readonly services: readonly string[];
}

export function traceSummary(trace: Trace): TraceSummary {
  return {
    traceId: trace.traceId,
    name: trace.name,
    start: isoTime(trace.start),
    durationMs: Math.round(trace.duration * 1000) / 1000,
    spans: trace.spans.length,
    errors: trace.errors.length,
    logs: trace.logs.length,
    status: trace.status,
    services: trace.services.map((s) => s.label),
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `- **GET /dashboard** · 123 ms · 12 spans · 1 error · node · web, node · api · trace \`d953b6aa…\`` */
export function traceSummaryLine(summary: TraceSummary): string {
  const parts = [
    `**${inline(summary.name, 200)}**`,
    formatDuration(summary.durationMs),
    plural(summary.spans, 'span'),
    plural(summary.errors, 'error'),
    summary.services.join(', ') || 'unknown service',
    `started ${summary.start}`,
    `trace ${code(summary.traceId)}`,
  ];
  return `- ${parts.join(' · ')}`;
}

/** Most spans get_traces draws: enough for any request a developer reads; the rest are counted. */
const MAX_TREE_SPANS = 300;

/** The span tree, errors and logs of one trace, as Markdown. */
export function traceMarkdown(trace: Trace): string {
  const summary = traceSummary(trace);
  const out = [
    `## Trace ${summary.traceId}`,
    '',
    `**${inline(summary.name, 200)}** · ${formatDuration(summary.durationMs)} · ${plural(summary.spans, 'span')} · ${plural(summary.errors, 'error')} · started ${summary.start}`,
    `Services: ${summary.services.join(', ') || 'unknown'}`,
    '',
    '### Spans (start offset, duration)',
    '',
  ];
  let shown = 0;
  const stack: { node: TraceNode; depth: number }[] = [];
  for (let i = trace.tree.length - 1; i >= 0; i--) stack.push({ node: trace.tree[i] as TraceNode, depth: 0 });
  let previousService: string | undefined;
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: TraceNode; depth: number };
    const indent = '  '.repeat(depth);
    if (shown >= MAX_TREE_SPANS) break;
    if (node.kind === 'missing-parent') {
      out.push(`${indent}- (parent span ${code(node.parentSpanId)} never arrived)`);
    } else {
      const { span } = node;
      shown++;
      const offset = `+${formatDuration(span.start - trace.start)}`;
      const parts = [`${indent}- ${span.isSegment ? `**${inline(span.name, 160)}**` : inline(span.name, 160)}`];
      if (span.op !== undefined) parts.push(code(span.op));
      parts.push(`${offset}, ${formatDuration(span.duration)}`);
      if (span.failed) parts.push(`failed${span.status !== undefined ? ` (${span.status})` : ''}`);
      if (trace.errorSpanIds.has(span.spanId)) parts.push('⚠ error here');
      if (span.service.label !== previousService || span.isSegment) parts.push(`[${span.service.label}]`);
      previousService = span.service.label;
      out.push(parts.join(' · '));
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as TraceNode, depth: depth + 1 });
  }
  if (trace.spans.length > shown) out.push(`- … ${trace.spans.length - shown} more spans`);
  if (trace.errors.length > 0) {
    out.push('', '### Errors', '');
    for (const error of trace.errors) {
      out.push(
        `- ${isoTime(error.timestamp)} **${inline(error.title, 200)}** · ${error.service.label} · issue ${code(error.issueId)} · event ${code(error.eventId)}`,
      );
    }
  }
  if (trace.logs.length > 0) {
    out.push('', '### Logs', '');
    for (const log of trace.logs.slice(0, 50)) out.push(logLine(log));
    if (trace.logs.length > 50) out.push(`- … ${trace.logs.length - 50} more log lines`);
  }
  return out.join('\n');
}

/** `- 2026-11-24T08:47:09.845Z [info] node · probe: probe log line (url)` */
export function logLine(log: LogRow): string {
  return `- ${isoTime(log.timestamp)} [${log.level}] ${log.service.label}: ${inline(log.message, 500)}`;
}
