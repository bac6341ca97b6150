import { SPAN_V2_CONTENT_TYPE } from '@spotlight/envelope';
import { AttributeBuilder, plainObject, stringAttribute, type TypedAttributes } from './attributes.ts';
import { type Conversion, containerEnvelopes, emptyConversion, eventEnvelope, reject } from './envelopes.ts';
import { EXCEPTION_EVENT, type ExceptionSpan, exceptionEvent } from './exception.ts';
import { validId } from './ids.ts';
import {
  type ExportTraceServiceRequest,
  type InstrumentationScope,
  type KeyValue,
  type ResourceSpans,
  type Span,
  SpanKind,
  StatusCode,
} from './model.ts';
import { type ResourceInfo, resourceInfo } from './resource.ts';

/** A span-v2 item, as `@sentry/node` 11 sends them. */
interface SpanV2 {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_timestamp: number;
  end_timestamp: number;
  is_segment: boolean;
  status: 'ok' | 'error';
  links?: { trace_id: string; span_id: string; sampled: boolean; attributes: TypedAttributes }[];
  attributes: TypedAttributes;
}

const KIND_NAMES: Readonly<Record<number, string>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** SpanFlags: bit 8 says whether bit 9 (the parent is remote) is known. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
/** W3C trace flags' sampled bit, in a link's flags. */
const SAMPLED = 0x01;

/**
 * Sentry's `op` from OpenTelemetry's semantic conventions, as Sentry infers it for OTel spans: what
 * the overlay shows beside a span's name and what its insights group by.
 */
function inferOp(kind: number, attributes: readonly KeyValue[]): string | undefined {
  const has = (key: string) => attributes.some((pair) => pair.key === key);
  if (has('http.request.method') || has('http.method')) {
    return kind === SpanKind.SERVER ? 'http.server' : kind === SpanKind.CLIENT ? 'http.client' : 'http';
  }
  if (has('db.system.name') || has('db.system')) return 'db';
  if (has('rpc.system')) return kind === SpanKind.SERVER ? 'rpc.server' : 'rpc';
  if (has('messaging.system')) {
    return kind === SpanKind.PRODUCER ? 'queue.publish' : kind === SpanKind.CONSUMER ? 'queue.process' : 'queue';
  }
  if (has('faas.trigger')) return 'function';
  return undefined;
}

/**
 * Whether a span starts what its service did in the trace (Sentry's segment): it has no parent,
 * its parent is in another process (the flags say so, when the SDK sets them), or, when they do not
 * tell, it serves a request or a message.
 */
function isSegment(span: Span, parentSpanId: string | undefined): boolean {
  if (parentSpanId === undefined) return true;
  if (span.flags & HAS_IS_REMOTE) return (span.flags & IS_REMOTE) !== 0;
  return span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER;
}

const seconds = (nanos: bigint): number => Number(nanos) / 1e9;

interface Accepted {
  readonly span: Span;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly scope: InstrumentationScope | undefined;
  readonly segment: boolean;
}

/** The spans of one resource that can be shown; the others are refused with a reason. */
function acceptSpans(resourceSpans: ResourceSpans, conversion: Conversion): Accepted[] {
  const accepted: Accepted[] = [];
  for (const scopeSpans of resourceSpans.scopeSpans) {
    const scope = scopeSpans.scope;
    for (const span of scopeSpans.spans) {
      const label = `span ${JSON.stringify(span.name.slice(0, 80))}`;
      const traceId = validId(span.traceId, 16);
      const spanId = validId(span.spanId, 8);
      const parent = span.parentSpanId.length === 0 ? undefined : validId(span.parentSpanId, 8);
      if (typeof traceId !== 'string') reject(conversion, `${label} has ${traceId.problem} trace_id`);
      else if (typeof spanId !== 'string') reject(conversion, `${label} has ${spanId.problem} span_id`);
      else if (parent !== undefined && typeof parent !== 'string' && parent.problem !== 'an all-zero') {
        reject(conversion, `${label} has ${parent.problem} parent_span_id`);
      } else if (span.startTimeUnixNano === 0n) reject(conversion, `${label} has no start_time_unix_nano`);
      else {
        const parentSpanId = typeof parent === 'string' ? parent : undefined;
        accepted.push({
          span,
          traceId,
          spanId,
          parentSpanId,
          scope,
          segment: isSegment(span, parentSpanId),
        });
      }
    }
  }
  return accepted;
}

/**
 * The segment each span belongs to, when it came in the same request: its nearest segment ancestor.
 * Each span is walked past once (what a walk finds, segment or none, is remembered for every span
 * on its path): a long chain or a parent loop (untrusted input) costs linear time.
 */
function segmentsOf(spans: readonly Accepted[]): Map<string, Accepted> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const found = new Map<string, Accepted | null>();
  for (const span of spans) {
    const path = new Set<Accepted>();
    let segment: Accepted | null = null;
    for (let at: Accepted | undefined = span; at !== undefined && !path.has(at); ) {
      if (at.segment) {
        segment = at;
        break;
      }
      const known = found.get(at.spanId);
      if (known !== undefined) {
        segment = known;
        break;
      }
      path.add(at);
      at = at.parentSpanId !== undefined ? byId.get(at.parentSpanId) : undefined;
    }
    for (const visited of path) found.set(visited.spanId, segment);
  }
  const segments = new Map<string, Accepted>();
  for (const [spanId, segment] of found) if (segment !== null) segments.set(spanId, segment);
  return segments;
}

/** Span events as JSON text (span-v2 has no field for them); an exception's stack is left to the error event it became. */
function eventsText(span: Span): string | undefined {
  if (span.events.length === 0) return undefined;
  return JSON.stringify(
    span.events.map((event) => {
      const attributes = plainObject(event.attributes);
      // The stack is in the error event the exception became; repeating it here would bury the others.
      if (event.name === EXCEPTION_EVENT) delete attributes['exception.stacktrace'];
      return { name: event.name, timestamp: seconds(event.timeUnixNano), attributes };
    }),
  );
}

function spanItem(accepted: Accepted, resource: ResourceInfo, segment: Accepted | undefined): SpanV2 {
  const { span } = accepted;
  const op = stringAttribute(span.attributes, 'sentry.op') ?? inferOp(span.kind, span.attributes);
  const attributes = new AttributeBuilder()
    .addAll(span.attributes)
    .addScopeDefaults(accepted.scope)
    .addDefaults(resource.attributes)
    .setStringDefault('sentry.op', op)
    .setStringDefault('sentry.origin', 'auto.otlp.spans')
    .setStringDefault('sentry.kind', KIND_NAMES[span.kind])
    .setStringDefault('sentry.release', resource.release)
    .setStringDefault('sentry.environment', resource.environment)
    .setString('sentry.status.message', span.status?.message)
    .setString('otel.events', eventsText(span));
  if (segment !== undefined && segment !== accepted) {
    attributes.setStringDefault('sentry.segment.id', segment.spanId).setStringDefault('sentry.segment.name', segment.span.name);
  }
  if (span.droppedAttributesCount > 0) attributes.setInteger('otel.dropped_attributes_count', span.droppedAttributesCount);
  if (span.droppedEventsCount > 0) attributes.setInteger('otel.dropped_events_count', span.droppedEventsCount);
  if (span.droppedLinksCount > 0) attributes.setInteger('otel.dropped_links_count', span.droppedLinksCount);

  const start = seconds(span.startTimeUnixNano);
  const item: SpanV2 = {
    trace_id: accepted.traceId,
    span_id: accepted.spanId,
    name: span.name || op || 'unknown',
    start_timestamp: start,
    end_timestamp: Math.max(start, seconds(span.endTimeUnixNano)),
    is_segment: accepted.segment,
    status: span.status?.code === StatusCode.ERROR ? 'error' : 'ok',
    attributes: attributes.build(),
  };
  if (accepted.parentSpanId !== undefined) item.parent_span_id = accepted.parentSpanId;
  const links = span.links.flatMap((link) => {
    const traceId = validId(link.traceId, 16);
    const spanId = validId(link.spanId, 8);
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return [];
    return [
      {
        trace_id: traceId,
        span_id: spanId,
        sampled: (link.flags & SAMPLED) !== 0,
        attributes: new AttributeBuilder().addAll(link.attributes).build(),
      },
    ];
  });
  if (links.length > 0) item.links = links;
  return item;
}

const opOf = (item: SpanV2): string | undefined => {
  const attribute = item.attributes['sentry.op'];
  return attribute?.type === 'string' ? attribute.value : undefined;
};

/**
 * Converts an OTLP trace export into envelopes as Sentry's SDKs send them: per service (resource)
 * and trace, one envelope of span-v2 items, and one error event envelope per `exception` span event.
 * Spans that cannot be shown (bad ids, no start time) are refused with a reason; the rest go on.
 */
export function convertTraces(request: ExportTraceServiceRequest, maxItems: number): Conversion {
  const conversion = emptyConversion();
  for (const resourceSpans of request.resourceSpans) {
    const resource = resourceInfo(resourceSpans.resource);
    const accepted = acceptSpans(resourceSpans, conversion);
    const segments = segmentsOf(accepted);
    const byTrace = new Map<string, SpanV2[]>();
    const errors: { traceId: string; event: Record<string, unknown> }[] = [];
    for (const span of accepted) {
      const segment = span.segment ? span : segments.get(span.spanId);
      const item = spanItem(span, resource, segment);
      const list = byTrace.get(span.traceId);
      if (list === undefined) byTrace.set(span.traceId, [item]);
      else list.push(item);
      span.span.events.forEach((event, index) => {
        if (event.name !== EXCEPTION_EVENT) return;
        const context: ExceptionSpan = {
          traceId: span.traceId,
          spanId: span.spanId,
          status: item.status,
          transaction: segment?.span.name || item.name,
          endTimestamp: item.end_timestamp,
          parentSpanId: span.parentSpanId,
          op: opOf(item),
        };
        errors.push({ traceId: span.traceId, event: exceptionEvent(event, index, context, resource) });
      });
    }
    for (const [traceId, items] of byTrace) {
      conversion.envelopes.push(
        ...containerEnvelopes({ sdk: resource.sdk, trace: { trace_id: traceId } }, 'span', SPAN_V2_CONTENT_TYPE, items, maxItems),
      );
    }
    for (const { traceId, event } of errors) {
      // An error is not a span: it does not count toward `rejected_spans` if it cannot be stored.
      conversion.envelopes.push({ envelope: eventEnvelope({ sdk: resource.sdk, trace: { trace_id: traceId } }, event), records: 0 });
    }
  }
  return conversion;
}
