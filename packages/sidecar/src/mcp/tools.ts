import { allFramesOf } from 'sentry-spotlight/data/errorEvent.ts';
import { type ErrorEventRecord, groupIssues, type Issue, selectErrorEvents } from 'sentry-spotlight/data/grouping.ts';
import { findNPlusOneQueries } from 'sentry-spotlight/data/insights.ts';
import { type LogRow, logsOfEnvelope } from 'sentry-spotlight/data/logs.ts';
import { framePath } from 'sentry-spotlight/data/paths.ts';
import type { StoredEnvelope } from 'sentry-spotlight/data/store.ts';
import { createTraceSelector, type Trace, type TraceIndex } from 'sentry-spotlight/data/traces.ts';
import { type EventDetail, eventDetail, eventMarkdown, type IssueSummary, issueLine, issueSummary } from '../report/errors.ts';
import { code, formatDuration, inline } from '../report/text.ts';
import { logLine, type TraceSummary, traceMarkdown, traceSummary, traceSummaryLine } from '../report/traces.ts';

/** What the tools read: the envelopes a sidecar holds, as the overlay's data layer reads them. */
export interface ToolData {
  /** Oldest first. */
  envelopes(): readonly StoredEnvelope[];
  /** A position: envelopes stored after it are `since(mark)`. */
  mark(): number;
  since(mark: number): readonly StoredEnvelope[];
  /** Resolves once an envelope arrived after `mark`, after `ms`, or when `signal` aborts, whichever is first. */
  waitForNew(mark: number, ms: number, signal?: AbortSignal): Promise<void>;
  /** Forgets every envelope (and tells every viewer); returns how many there were. */
  clear(): number;
  now(): number;
}

/** The published Spotlight's filters, kept so its agent prompts work: one of a time window, a file name, or a page. */
export type SearchFilters = { timeWindow: number } | { filename: string } | { limit: number; offset?: number | undefined } | undefined;

export interface ToolResult {
  readonly text: string;
  readonly structured: Record<string, unknown>;
}

const DEFAULT_LIST_LIMIT = 25;
/** wait_for_error's default: within the 60 s an MCP client waits for an answer by default. */
export const DEFAULT_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 600;

function withinWindow(envelopes: readonly StoredEnvelope[], filters: SearchFilters, now: number): readonly StoredEnvelope[] {
  if (filters === undefined || !('timeWindow' in filters)) return envelopes;
  const from = now - filters.timeWindow * 1000;
  return envelopes.filter((stored) => stored.receivedAt >= from);
}

function page<T>(items: readonly T[], filters: SearchFilters): { items: readonly T[]; note: string } {
  if (filters === undefined || !('limit' in filters)) return { items, note: '' };
  const offset = Math.max(0, Math.floor(filters.offset ?? 0));
  const limit = Math.max(0, Math.floor(filters.limit));
  const shown = items.slice(offset, offset + limit);
  const more = items.length - offset - shown.length;
  return { items: shown, note: more > 0 ? `\n\n${more} more: call again with offset ${offset + shown.length}.` : '' };
}

function filterNote(filters: SearchFilters): string {
  if (filters === undefined) return 'held by Spotlight';
  if ('timeWindow' in filters) return `in the last ${filters.timeWindow} s`;
  if ('filename' in filters) return `involving ${code(filters.filename)}`;
  return 'held by Spotlight';
}

function eventTouchesFile(record: ErrorEventRecord, filename: string): boolean {
  return allFramesOf(record.event).some((frame) => framePath(frame)?.includes(filename) ?? false);
}

function logTouchesFile(row: LogRow, filename: string): boolean {
  for (const key of ['code.file.path', 'code.filepath', 'code.file']) {
    const value = row.attributes[key];
    if (typeof value === 'string' && value.includes(filename)) return true;
  }
  return false;
}

/** An SDK that retried, or an import of what was already there, sends an event twice: it counts once. */
function uniqueEvents(events: readonly ErrorEventRecord[]): ErrorEventRecord[] {
  const seen = new Set<string>();
  return events.filter((record) => !seen.has(record.eventId) && seen.add(record.eventId) !== undefined);
}

export function createTools(data: ToolData) {
  const selectTraces = createTraceSelector();
  const traces = (): TraceIndex => selectTraces(data.envelopes());

  const traceOfEvent = (record: ErrorEventRecord): Trace | undefined => {
    const index = traces();
    for (const [traceId, errors] of index.errorsByTrace) {
      if (errors.some((e) => e.eventId === record.eventId)) return index.byId.get(traceId);
    }
    return undefined;
  };

  const issuesOf = (envelopes: readonly StoredEnvelope[], filters: SearchFilters): Issue[] => {
    let events = uniqueEvents(selectErrorEvents(withinWindow(envelopes, filters, data.now())));
    if (filters !== undefined && 'filename' in filters) events = events.filter((record) => eventTouchesFile(record, filters.filename));
    return groupIssues(events);
  };

  const detailOf = (record: ErrorEventRecord, issue: Issue | undefined): { text: string; detail: EventDetail; summary?: IssueSummary } => {
    const detail = eventDetail(record, traceOfEvent(record));
    const summary = issue !== undefined ? issueSummary(issue) : undefined;
    return { text: eventMarkdown(detail, summary), detail, ...(summary ? { summary } : {}) };
  };

  const findIssue = (issueId: string): Issue | undefined => {
    const wanted = issueId.trim().toLowerCase();
    const issues = issuesOf(data.envelopes(), undefined);
    return (
      issues.find((issue) => issue.id === wanted) ?? (wanted.length >= 4 ? issues.find((issue) => issue.id.startsWith(wanted)) : undefined)
    );
  };

  const held = (): string => {
    const count = data.envelopes().length;
    return `Spotlight holds ${count} envelope${count === 1 ? '' : 's'}`;
  };

  return {
    searchErrors(filters: SearchFilters): ToolResult {
      const all = issuesOf(data.envelopes(), filters);
      if (all.length === 0) {
        return {
          text: `No errors ${filterNote(filters)}. ${held()}. Reproduce the problem and search again, or call wait_for_error to wait for the next one.`,
          structured: { issues: [] },
        };
      }
      const { items, note } = page(all, filters);
      const events = all.reduce((sum, issue) => sum + issue.count, 0);
      const blocks = items.map((issue) => detailOf(issue.latest, issue));
      const text = [
        `# ${all.length} issue${all.length === 1 ? '' : 's'} (${events} error event${events === 1 ? '' : 's'}) ${filterNote(filters)}`,
        '',
        'Each issue groups events that look alike; its latest event follows in full.',
        ...blocks.map((block) => `\n${block.text}`),
      ].join('\n');
      return {
        text: text + note,
        structured: { issues: blocks.map((block) => ({ ...block.summary, latestEvent: block.detail })) },
      };
    },

    searchLogs(filters: SearchFilters): ToolResult {
      const envelopes = withinWindow(data.envelopes(), filters, data.now());
      let rows: LogRow[] = [];
      for (const stored of envelopes) rows.push(...logsOfEnvelope(stored));
      if (filters !== undefined && 'filename' in filters) rows = rows.filter((row) => logTouchesFile(row, filters.filename));
      rows.sort((a, b) => a.timestamp - b.timestamp);
      if (rows.length === 0) {
        return {
          text: `No logs ${filterNote(filters)}. ${held()}. Logs arrive from Sentry.logger (enableLogs: true) and from the output of \`spotlight run\`.`,
          structured: { logs: [] },
        };
      }
      const { items, note } = page(rows, filters);
      const text = [
        `# ${rows.length} log line${rows.length === 1 ? '' : 's'} ${filterNote(filters)} (oldest first)`,
        '',
        ...items.map(logLine),
      ].join('\n');
      return {
        text: text + note,
        structured: {
          logs: items.map((row) => ({
            timestamp: new Date(row.timestamp).toISOString(),
            level: row.level,
            message: row.message,
            service: row.service.label,
            ...(row.traceId ? { traceId: row.traceId } : {}),
            ...(row.template ? { template: row.template } : {}),
          })),
        },
      };
    },

    searchTraces(filters: SearchFilters): ToolResult {
      const from = filters !== undefined && 'timeWindow' in filters ? data.now() - filters.timeWindow * 1000 : Number.NEGATIVE_INFINITY;
      let list = traces().traces.filter((trace) => trace.lastReceivedAt >= from);
      if (filters !== undefined && 'filename' in filters) {
        const { filename } = filters;
        const issues = new Set(issuesOf(data.envelopes(), filters).flatMap((issue) => issue.events.map((e) => e.eventId)));
        list = list.filter(
          (trace) =>
            trace.errors.some((error) => issues.has(error.eventId)) ||
            trace.spans.some((span) =>
              ['code.file.path', 'code.filepath'].some((key) => String(span.attributes[key] ?? '').includes(filename)),
            ),
        );
      }
      if (list.length === 0) {
        return {
          text: `No traces ${filterNote(filters)}. ${held()}. Traces need tracing on in the SDK (tracesSampleRate; \`spotlight run\` sets SENTRY_TRACES_SAMPLE_RATE=1).`,
          structured: { traces: [] },
        };
      }
      const { items, note } = page(list, filters);
      const summaries: TraceSummary[] = items.map(traceSummary);
      const text = [
        `# ${list.length} trace${list.length === 1 ? '' : 's'} ${filterNote(filters)} (newest first)`,
        '',
        ...summaries.map(traceSummaryLine),
        '',
        'Call get_traces with a trace id (or its first 8 characters) for its span tree, errors and logs.',
      ].join('\n');
      return { text: text + note, structured: { traces: summaries } };
    },

    getTraces(traceId: string): ToolResult {
      const wanted = traceId.trim().toLowerCase();
      const index = traces();
      const trace =
        index.byId.get(wanted) ?? (wanted.length >= 4 ? index.traces.find((candidate) => candidate.traceId.startsWith(wanted)) : undefined);
      if (!trace) {
        const errors = [...index.errorsByTrace.entries()].find(([id]) => id.startsWith(wanted));
        const hint = errors ? ` It has ${errors[1].length} error(s) but none of its spans arrived: is tracing on in the SDK?` : '';
        return {
          text: `No trace ${code(traceId)} in Spotlight.${hint} Call search_traces to list the traces held.`,
          structured: { trace: null },
        };
      }
      return {
        text: traceMarkdown(trace),
        structured: { trace: { ...traceSummary(trace), errorEvents: trace.errors.map((e) => e.eventId) } },
      };
    },

    listIssues(options: { limit?: number | undefined; timeWindow?: number | undefined }): ToolResult {
      const filters: SearchFilters = options.timeWindow !== undefined ? { timeWindow: options.timeWindow } : undefined;
      const issues = issuesOf(data.envelopes(), filters);
      if (issues.length === 0) return { text: `No issues ${filterNote(filters)}. ${held()}.`, structured: { issues: [] } };
      const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_LIST_LIMIT));
      const summaries = issues.slice(0, limit).map(issueSummary);
      const rest = issues.length - summaries.length;
      const text = [
        `# ${issues.length} issue${issues.length === 1 ? '' : 's'} ${filterNote(filters)} (most recently seen first)`,
        '',
        ...summaries.map(issueLine),
        ...(rest > 0 ? [`- … ${rest} more (raise limit)`] : []),
        '',
        'Call get_issue with an issue id for its latest event: stack trace with source, breadcrumbs, request, tags and trace.',
      ].join('\n');
      return { text, structured: { issues: summaries } };
    },

    getIssue(issueId: string): ToolResult {
      const issue = findIssue(issueId);
      if (!issue)
        return { text: `No issue ${code(issueId)} in Spotlight. Call list_issues for the issues held.`, structured: { issue: null } };
      const { text, detail, summary } = detailOf(issue.latest, issue);
      return { text, structured: { issue: { ...summary, latestEvent: detail } } };
    },

    getEvent(eventId: string): ToolResult {
      const wanted = eventId.trim().toLowerCase().replace(/-/g, '');
      const events = uniqueEvents(selectErrorEvents(data.envelopes()));
      const record =
        events.find((e) => e.eventId === wanted) ?? (wanted.length >= 8 ? events.find((e) => e.eventId.startsWith(wanted)) : undefined);
      if (!record) return { text: `No error event ${code(eventId)} in Spotlight.`, structured: { event: null } };
      const issue = groupIssues(events).find((candidate) => candidate.id === record.issueId);
      const { text, detail } = detailOf(record, issue);
      return { text, structured: { event: detail } };
    },

    async waitForError(
      options: { timeoutSeconds?: number | undefined; newIssuesOnly?: boolean | undefined },
      signal?: AbortSignal,
    ): Promise<ToolResult> {
      const seconds = Math.min(MAX_WAIT_SECONDS, Math.max(0, options.timeoutSeconds ?? DEFAULT_WAIT_SECONDS));
      const known = new Set(issuesOf(data.envelopes(), undefined).map((issue) => issue.id));
      let mark = data.mark();
      const deadline = data.now() + seconds * 1000;
      for (;;) {
        // Whatever arrives while this looks is looked at again on the next round, not missed.
        const upTo = data.mark();
        const fresh = selectErrorEvents(data.since(mark)).filter((record) => !options.newIssuesOnly || !known.has(record.issueId));
        const record = fresh[0];
        if (record !== undefined) {
          const issue = issuesOf(data.envelopes(), undefined).find((candidate) => candidate.id === record.issueId);
          const { text, detail, summary } = detailOf(record, issue);
          const isNew = !known.has(record.issueId);
          return {
            text: `${isNew ? 'A new issue' : 'A new error'} arrived${fresh.length > 1 ? ` (and ${fresh.length - 1} more error event(s))` : ''}.\n\n${text}`,
            structured: { newIssue: isNew, event: detail, issue: summary ?? null },
          };
        }
        mark = upTo;
        const left = deadline - data.now();
        if (left <= 0 || signal?.aborted) break;
        await data.waitForNew(mark, left, signal);
      }
      return {
        text: `No new ${options.newIssuesOnly ? 'issue' : 'error'} within ${seconds} s. ${held()}.`,
        structured: { event: null },
      };
    },

    findNPlusOneQueries(options: { timeWindow?: number | undefined }): ToolResult {
      const filters: SearchFilters = options.timeWindow !== undefined ? { timeWindow: options.timeWindow } : undefined;
      const loops = findNPlusOneQueries(withinWindow(data.envelopes(), filters, data.now()));
      if (loops.length === 0) {
        return {
          text: `No N+1 query loops in the traces ${filterNote(filters)}. ${held()}. Queries show up as spans when the SDK instruments the database client and tracing is on.`,
          structured: { loops: [] },
        };
      }
      const text = [
        `# ${loops.length} N+1 query loop${loops.length === 1 ? '' : 's'} ${filterNote(filters)} (costliest first)`,
        '',
        ...loops.map(
          (loop) =>
            `- ${code(loop.statement)} ran ${loop.count}× (${formatDuration(loop.totalMs)} in all)${loop.parentName !== undefined ? ` under ${code(loop.parentName)}` : ''} · ${loop.service} · in **${inline(loop.traceName, 160)}** · trace ${code(loop.traceId)}`,
        ),
        '',
        'Each statement runs once per item of a loop: load the items in one query (`WHERE id IN (...)`) or with a join. Call get_traces with the trace id for the spans.',
      ].join('\n');
      return { text, structured: { loops } };
    },

    clear(): ToolResult {
      const cleared = data.clear();
      return { text: `Cleared ${cleared} envelope${cleared === 1 ? '' : 's'} from Spotlight.`, structured: { cleared } };
    },
  };
}

export type Tools = ReturnType<typeof createTools>;
