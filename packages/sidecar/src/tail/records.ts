import { errorEventsOf } from 'sentry-spotlight/data/grouping.ts';
import { logsOfEnvelope, userAttributes } from 'sentry-spotlight/data/logs.ts';
import { spansOfEnvelope } from 'sentry-spotlight/data/spans.ts';
import type { StoredEnvelope } from 'sentry-spotlight/data/store.ts';
import { eventHeadline, eventLocation } from '../report/text.ts';

/**
 * What `spotlight tail` prints: one record per error event, log line, and trace segment (what one
 * service did in a request: a transaction, or a span-v2 segment with its spans). Every format prints
 * the same records; their field names are the JSON format's (see the README).
 */
export type TailRecord = ErrorRecord | LogRecord | TraceRecord;

interface Common {
  /** When it happened, epoch ms (the SDK's clock). */
  readonly time: number;
  readonly level: string;
  readonly service: string;
  /** One line: the error's type and message, the log's body, the segment's name. */
  readonly message: string;
  readonly traceId?: string;
  readonly envelopeId: string;
}

export interface ErrorRecord extends Common {
  readonly type: 'error';
  readonly eventId: string;
  readonly issueId: string;
  /** Events of this issue seen so far by this tail, this one included. */
  readonly count: number;
  /** `file:line` of the top app frame. */
  readonly location?: string;
  readonly culprit?: string;
}

export interface LogRecord extends Common {
  readonly type: 'log';
  readonly template?: string;
  /** The attributes the app set (the SDK's own `sentry.*` left out). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface TraceRecord extends Common {
  readonly type: 'trace';
  readonly op?: string;
  readonly durationMs: number;
  /** Spans of this segment in the envelope, the segment included. */
  readonly spanCount: number;
  readonly status: 'ok' | 'error';
}

export type TailKind = TailRecord['type'];

/** Turns envelopes into records, counting errors per issue (so a repeat can say `×3`) and dropping repeated events. */
export class TailRecords {
  private readonly issueCounts = new Map<string, number>();
  private readonly seenEvents = new Set<string>();

  constructor(private readonly kinds: ReadonlySet<TailKind>) {}

  of(stored: StoredEnvelope): TailRecord[] {
    const out: TailRecord[] = [];
    if (this.kinds.has('error')) {
      for (const record of errorEventsOf(stored)) {
        if (this.seenEvents.has(record.eventId)) continue;
        this.seenEvents.add(record.eventId);
        const count = (this.issueCounts.get(record.issueId) ?? 0) + 1;
        this.issueCounts.set(record.issueId, count);
        const trace = (record.event.contexts as { trace?: { trace_id?: unknown } } | undefined)?.trace?.trace_id;
        const error: { -readonly [K in keyof ErrorRecord]: ErrorRecord[K] } = {
          type: 'error',
          time: record.timestamp,
          level: record.level,
          service: record.service.label,
          message: eventHeadline(record),
          eventId: record.eventId,
          issueId: record.issueId,
          count,
          envelopeId: stored.id,
        };
        const location = eventLocation(record);
        if (location !== undefined) error.location = location;
        if (record.culprit !== undefined) error.culprit = record.culprit.replace(/^~\//, '');
        if (typeof trace === 'string') error.traceId = trace;
        out.push(error);
      }
    }
    if (this.kinds.has('log')) {
      for (const row of logsOfEnvelope(stored)) {
        const log: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
          type: 'log',
          time: row.timestamp,
          level: row.level,
          service: row.service.label,
          message: row.message,
          attributes: Object.fromEntries(userAttributes(row.attributes)),
          envelopeId: stored.id,
        };
        if (row.template !== undefined) log.template = row.template;
        if (row.traceId !== undefined) log.traceId = row.traceId;
        out.push(log);
      }
    }
    if (this.kinds.has('trace')) {
      const spans = spansOfEnvelope(stored);
      for (const segment of spans) {
        if (!segment.isSegment) continue;
        // Its own spans: span-v2 children name their segment; a transaction's come with it.
        const children =
          1 +
          spans.filter(
            (span) =>
              !span.isSegment &&
              (span.attributes['sentry.segment.id'] === segment.spanId ||
                (span.source === 'transaction' && segment.source === 'transaction')),
          ).length;
        const trace: { -readonly [K in keyof TraceRecord]: TraceRecord[K] } = {
          type: 'trace',
          time: segment.start,
          level: segment.failed ? 'error' : 'info',
          service: segment.service.label,
          message: segment.name,
          durationMs: Math.round(segment.duration * 1000) / 1000,
          spanCount: children,
          status: segment.failed ? 'error' : 'ok',
          traceId: segment.traceId,
          envelopeId: stored.id,
        };
        if (segment.op !== undefined) trace.op = segment.op;
        out.push(trace);
      }
    }
    return out;
  }
}
