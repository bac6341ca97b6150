import { type DeriveContext, readEnvelope } from './derive.ts';
import { asObject } from './errorEvent.ts';
import { errorEventsOf } from './grouping.ts';
import type { Service } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';
import { hexId } from './tracesPayload.ts';

/** An error event as a trace links to it; `issueId` opens it in the errors view. */
export interface TraceError {
  readonly eventId: string;
  readonly issueId: string;
  readonly envelopeId: string;
  readonly traceId?: string;
  /** The span that was active when the error was captured. */
  readonly spanId?: string;
  /** "Error: item 42 not found" */
  readonly title: string;
  readonly level: string;
  /** Epoch milliseconds (the SDK's clock); the receive time when the event has none. */
  readonly timestamp: number;
  readonly service: Service;
}

/**
 * The error events of one envelope with the trace they belong to: the event's `contexts.trace`, else
 * the envelope header's trace context. An envelope reader (see derive.ts).
 */
export function errorsOfEnvelope(stored: StoredEnvelope, ctx?: DeriveContext): readonly TraceError[] {
  return readEnvelope(ctx, errorEventsOf, stored).map((record) => {
    const trace = asObject(asObject(record.event.contexts)?.trace);
    const error: { -readonly [K in keyof TraceError]: TraceError[K] } = {
      eventId: record.eventId,
      issueId: record.issueId,
      envelopeId: record.envelopeId,
      title: record.subtitle !== undefined ? `${record.title}: ${record.subtitle}` : record.title,
      level: record.level,
      timestamp: record.timestamp,
      service: record.service,
    };
    const traceId = hexId(trace?.trace_id) ?? hexId(asObject(record.envelopeHeader.trace)?.trace_id);
    if (traceId !== undefined) error.traceId = traceId;
    const spanId = hexId(trace?.span_id);
    if (spanId !== undefined) error.spanId = spanId;
    return error;
  });
}
