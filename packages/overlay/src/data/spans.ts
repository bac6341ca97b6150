import { SPAN_V2_CONTENT_TYPE } from '@spotlight/envelope';
import { asNumber, asObject, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { type Service, serviceOfAttributes, serviceOfEvent } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';
import { attributeValues, hexId, isRecord } from './tracesPayload.ts';

/** Where a span came from: a transaction event (root + its `spans`), a span-v2 container, a standalone span item. */
export type SpanSource = 'transaction' | 'span-v2' | 'span';

export interface Span {
  readonly spanId: string;
  readonly traceId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly op?: string;
  /** Epoch milliseconds. */
  readonly start: number;
  /** Epoch milliseconds; equal to `start` when the SDK sent no end. */
  readonly end: number;
  readonly duration: number;
  /** As sent (`ok`, `error`, `internal_error`, `deadline_exceeded`...); absent when the SDK sent none. */
  readonly status?: string;
  /** A failed status, or an HTTP response status of 500 or more when no status was sent. */
  readonly failed: boolean;
  /** The root of what one service did in this trace (a transaction, or a span-v2 segment). */
  readonly isSegment: boolean;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly service: Service;
  readonly source: SpanSource;
  readonly envelopeId: string;
  readonly receivedAt: number;
}

const MAX_NAME = 2000;

function statusFailed(status: string | undefined, attributes: Readonly<Record<string, unknown>>): boolean {
  if (status !== undefined) return status !== 'ok' && status !== 'unset' && status !== 'unknown';
  const code = asNumber(attributes['http.response.status_code']) ?? asNumber(attributes['http.status_code']);
  return code !== undefined && code >= 500;
}

interface SpanFields {
  spanId: string;
  traceId: string;
  parentSpanId: string | undefined;
  name: string | undefined;
  op: string | undefined;
  start: number;
  end: number | undefined;
  status: string | undefined;
  isSegment: boolean;
  attributes: Readonly<Record<string, unknown>>;
  service: Service;
  source: SpanSource;
}

function makeSpan(fields: SpanFields, stored: StoredEnvelope): Span {
  const end = fields.end !== undefined && fields.end >= fields.start ? fields.end : fields.start;
  const span: { -readonly [K in keyof Span]: Span[K] } = {
    spanId: fields.spanId,
    traceId: fields.traceId,
    name: (fields.name ?? fields.op ?? '(unnamed span)').slice(0, MAX_NAME),
    start: fields.start,
    end,
    duration: end - fields.start,
    failed: statusFailed(fields.status, fields.attributes),
    isSegment: fields.isSegment,
    attributes: fields.attributes,
    service: fields.service,
    source: fields.source,
    envelopeId: stored.id,
    receivedAt: stored.receivedAt,
  };
  if (fields.parentSpanId !== undefined && fields.parentSpanId !== fields.spanId) span.parentSpanId = fields.parentSpanId;
  if (fields.op !== undefined) span.op = fields.op;
  if (fields.status !== undefined) span.status = fields.status;
  return span;
}

function measurementAttributes(event: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const measurements = asObject(event.measurements);
  if (measurements === undefined) return out;
  for (const [name, measurement] of Object.entries(measurements)) {
    const value = asNumber(asObject(measurement)?.value);
    if (value === undefined) continue;
    const unit = asString(asObject(measurement)?.unit);
    out[`measurement.${name}`] = unit !== undefined && unit !== 'none' ? `${value} ${unit}` : value;
  }
  return out;
}

function spansOfTransaction(event: JsonObject, header: JsonObject, stored: StoredEnvelope, out: Span[]): void {
  const trace = asObject(asObject(event.contexts)?.trace);
  const traceId = hexId(trace?.trace_id) ?? hexId(asObject(header.trace)?.trace_id);
  const start = timestampMs(event.start_timestamp);
  if (traceId === undefined) return;
  const service = serviceOfEvent(event, header);
  const rootId = hexId(trace?.span_id);
  if (rootId !== undefined && start !== undefined) {
    const request = asObject(event.request);
    const attributes: Record<string, unknown> = { ...attributeValues(trace?.data), ...measurementAttributes(event) };
    if (asString(request?.url) !== undefined && attributes['url.full'] === undefined) attributes['url.full'] = request?.url;
    if (asString(request?.method) !== undefined && attributes['http.request.method'] === undefined)
      attributes['http.request.method'] = request?.method;
    out.push(
      makeSpan(
        {
          spanId: rootId,
          traceId,
          parentSpanId: hexId(trace?.parent_span_id),
          name: asString(event.transaction),
          op: asString(trace?.op),
          start,
          end: timestampMs(event.timestamp),
          status: asString(trace?.status),
          isSegment: true,
          attributes,
          service,
          source: 'transaction',
        },
        stored,
      ),
    );
  }
  if (!Array.isArray(event.spans)) return;
  for (const child of event.spans) {
    if (!isRecord(child)) continue;
    const spanId = hexId(child.span_id);
    const childStart = timestampMs(child.start_timestamp);
    if (spanId === undefined || childStart === undefined) continue;
    const attributes = attributeValues(child.data);
    out.push(
      makeSpan(
        {
          spanId,
          traceId: hexId(child.trace_id) ?? traceId,
          parentSpanId: hexId(child.parent_span_id),
          name: asString(child.description),
          op: asString(child.op) ?? asString(attributes['sentry.op']),
          start: childStart,
          end: timestampMs(child.timestamp),
          status: asString(child.status),
          isSegment: false,
          attributes,
          service,
          source: 'transaction',
        },
        stored,
      ),
    );
  }
}

/**
 * One span-v2 item, or a standalone span item in the older `SpanJSON` form (`description`, `data`,
 * `timestamp`); `segmentService` is the service of the item's segment when it came in the same container.
 */
function spanOfItem(
  item: JsonObject,
  header: JsonObject,
  stored: StoredEnvelope,
  source: SpanSource,
  segmentServices: ReadonlyMap<string, Service>,
): Span | undefined {
  const spanId = hexId(item.span_id);
  const traceId = hexId(item.trace_id) ?? hexId(asObject(header.trace)?.trace_id);
  const start = timestampMs(item.start_timestamp);
  if (spanId === undefined || traceId === undefined || start === undefined) return undefined;
  const attributes = attributeValues(item.attributes ?? item.data);
  const isSegment = item.is_segment === true;
  const segmentId = hexId(attributes['sentry.segment.id']) ?? hexId(item.segment_id);
  const service =
    (segmentId !== undefined ? segmentServices.get(segmentId) : undefined) ?? serviceOfAttributes(attributes, header, isSegment);
  return makeSpan(
    {
      spanId,
      traceId,
      parentSpanId: hexId(item.parent_span_id),
      name: asString(item.name) ?? asString(item.description),
      op: asString(attributes['sentry.op']) ?? asString(item.op),
      start,
      end: timestampMs(item.end_timestamp ?? item.timestamp),
      status: asString(item.status),
      isSegment,
      attributes,
      service,
      source,
    },
    stored,
  );
}

function spansOfContainer(items: readonly unknown[], header: JsonObject, stored: StoredEnvelope, source: SpanSource, out: Span[]): void {
  // Segments first, so that their children (sent in the same container) are labelled like them.
  const segmentServices = new Map<string, Service>();
  for (const item of items) {
    if (!isRecord(item) || item.is_segment !== true) continue;
    const spanId = hexId(item.span_id);
    if (spanId !== undefined) segmentServices.set(spanId, serviceOfAttributes(attributeValues(item.attributes), header, true));
  }
  for (const item of items) {
    if (!isRecord(item)) continue;
    const span = spanOfItem(item, header, stored, source, segmentServices);
    if (span !== undefined) out.push(span);
  }
}

/** Every span one stored envelope carries, in the order sent. An envelope reader (see derive.ts). */
export function spansOfEnvelope(stored: StoredEnvelope): readonly Span[] {
  const [header, items] = stored.envelope;
  const out: Span[] = [];
  for (const [itemHeader, payload] of items) {
    if (!isRecord(payload)) continue;
    if (itemHeader.type === 'transaction') {
      spansOfTransaction(payload, header, stored, out);
    } else if (itemHeader.type === 'span') {
      const isContainer = itemHeader.content_type === SPAN_V2_CONTENT_TYPE || Array.isArray(payload.items);
      if (isContainer) spansOfContainer(Array.isArray(payload.items) ? payload.items : [], header, stored, 'span-v2', out);
      else spansOfContainer([payload], header, stored, 'span', out);
    }
  }
  return out;
}
