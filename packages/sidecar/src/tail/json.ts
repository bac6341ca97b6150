import type { TailRecord } from './records.ts';

/**
 * The JSON format's object for a record: one line of NDJSON each. These field names are stable (the
 * README lists them); new fields may be added, none renamed or removed.
 */
export function jsonFields(record: TailRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    time: new Date(record.time).toISOString(),
    type: record.type,
    level: record.level,
    service: record.service,
    message: record.message,
  };
  if (record.type === 'error') {
    out.issue_id = record.issueId;
    out.count = record.count;
    out.event_id = record.eventId;
    if (record.location !== undefined) out.location = record.location;
    if (record.culprit !== undefined) out.culprit = record.culprit;
  } else if (record.type === 'log') {
    if (record.template !== undefined) out.template = record.template;
    out.attributes = record.attributes;
  } else {
    if (record.op !== undefined) out.op = record.op;
    out.duration_ms = record.durationMs;
    out.span_count = record.spanCount;
    out.status = record.status;
  }
  if (record.traceId !== undefined) out.trace_id = record.traceId;
  out.envelope_id = record.envelopeId;
  return out;
}

export function formatJson(record: TailRecord): string {
  return JSON.stringify(jsonFields(record));
}
