import { createHash } from 'node:crypto';
import { booleanAttribute, plainObject, stringAttribute } from './attributes.ts';
import type { SpanEvent } from './model.ts';
import type { ResourceInfo } from './resource.ts';
import { type Frame, parseStackTrace } from './stackTrace.ts';

/** The span an exception event was recorded on, as the converted span reads. */
export interface ExceptionSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly op?: string;
  readonly status: 'ok' | 'error';
  /** The name of the span's segment (the request it handled), or the span's own. */
  readonly transaction: string;
  /** Seconds; for events without a time. */
  readonly endTimestamp: number;
}

interface SentryException {
  type: string;
  value?: string;
  stacktrace?: { frames: Frame[] };
  mechanism: { type: string; handled: boolean; source?: string };
}

/** Span events of this name are exceptions (OpenTelemetry semantic conventions). */
export const EXCEPTION_EVENT = 'exception';

/**
 * A stable event id: an exporter retries a batch it got no answer for, and the copy must be the
 * same event, not a second one.
 */
function eventId(span: ExceptionSpan, event: SpanEvent, index: number): string {
  return createHash('sha256').update(`${span.traceId}:${span.spanId}:${event.timeUnixNano}:${index}`).digest('hex').slice(0, 32);
}

/**
 * An `exception` span event as a Sentry error event, linked to its span and trace: type and message
 * from `exception.type` and `exception.message`, the stack (and any chained causes) parsed from
 * `exception.stacktrace`. `exception.escaped` (the exception left the span) marks it unhandled. The
 * event's own attributes are kept in `contexts.otel.attributes`, the service's in `contexts.otel.resource`.
 */
export function exceptionEvent(event: SpanEvent, index: number, span: ExceptionSpan, resource: ResourceInfo): Record<string, unknown> {
  const attributes = event.attributes;
  const type = stringAttribute(attributes, 'exception.type');
  const message = stringAttribute(attributes, 'exception.message');
  const stack = stringAttribute(attributes, 'exception.stacktrace');
  const escaped = booleanAttribute(attributes, 'exception.escaped');
  const chain = stack !== undefined ? parseStackTrace(stack, resource.language) : [];
  const thrown = chain.pop();
  const main: SentryException = {
    type: type ?? thrown?.type ?? 'Error',
    mechanism: { type: 'otlp', handled: escaped !== true },
  };
  const value = message ?? thrown?.value;
  if (value !== undefined) main.value = value;
  if (thrown !== undefined && thrown.frames.length > 0) main.stacktrace = { frames: thrown.frames };
  // Chained causes come first, as Sentry orders exception values (oldest to newest).
  const values: SentryException[] = chain.map((cause) => {
    const exception: SentryException = { type: cause.type ?? 'Error', mechanism: { type: 'chained', handled: true, source: 'cause' } };
    if (cause.value !== undefined) exception.value = cause.value;
    if (cause.frames.length > 0) exception.stacktrace = { frames: cause.frames };
    return exception;
  });
  values.push(main);

  const timestamp = event.timeUnixNano > 0n ? Number(event.timeUnixNano) / 1e9 : span.endTimestamp;
  const trace: Record<string, string> = { trace_id: span.traceId, span_id: span.spanId, status: span.status };
  if (span.parentSpanId !== undefined) trace.parent_span_id = span.parentSpanId;
  if (span.op !== undefined) trace.op = span.op;
  const contexts: Record<string, unknown> = {
    trace,
    otel: { resource: resource.plain, attributes: plainObject(attributes) },
  };
  if (resource.runtime !== undefined) contexts.runtime = resource.runtime;
  const sentryEvent: Record<string, unknown> = {
    event_id: eventId(span, event, index),
    timestamp,
    platform: resource.platform,
    level: 'error',
    exception: { values },
    transaction: span.transaction,
    contexts,
    sdk: resource.sdk,
  };
  if (resource.release !== undefined) sentryEvent.release = resource.release;
  if (resource.environment !== undefined) sentryEvent.environment = resource.environment;
  if (resource.serverName !== undefined) sentryEvent.server_name = resource.serverName;
  if (resource.serviceName !== undefined) sentryEvent.tags = { 'service.name': resource.serviceName };
  return sentryEvent;
}
