import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { decodeWireEnvelope, LOG_V2_CONTENT_TYPE, SPAN_V2_CONTENT_TYPE, type WireEnvelope } from '@spotlight/envelope';
import { afterEach, describe, expect, it } from 'vitest';
import { sidecarStarter } from '../test/server.ts';
import { SseClient } from '../test/sse.ts';

// The real OpenTelemetry JS SDK and its OTLP exporters (protobuf and JSON), against a real sidecar:
// what they send must come out of GET /stream as the span-v2, error and log-v2 items every viewer reads.

const start = sidecarStarter();
const viewers: SseClient[] = [];
afterEach(() => {
  for (const viewer of viewers.splice(0)) viewer.close();
});

const RESOURCE = defaultResource().merge(
  resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.4.0', 'deployment.environment.name': 'development' }),
);

type Json = Record<string, unknown>;
type Exported = { code: ExportResultCode; error?: Error };

async function openViewer(url: string): Promise<SseClient> {
  const viewer = await SseClient.open(`${url}/stream`);
  viewers.push(viewer);
  return viewer;
}

function envelopes(viewer: SseClient): WireEnvelope[] {
  return viewer.events.filter((e) => e.event === 'application/x-sentry-envelope').map((e) => decodeWireEnvelope(e.data));
}

/** The payloads of one item type across envelopes, with the envelope header each came in. */
function payloads(all: readonly WireEnvelope[], type: string): { header: Json; itemHeader: Json; payload: Json }[] {
  return all.flatMap(([header, items]) =>
    items
      .filter(([itemHeader]) => itemHeader.type === type)
      .map(([itemHeader, payload]) => ({ header, itemHeader, payload: payload as Json })),
  );
}

const attribute = (item: Json, key: string): unknown => ((item.attributes as Json)[key] as Json | undefined)?.value;

/** A request handled by `checkout`: its server span, a database call that fails with an exception, a cache-miss event. */
function recordCheckout(provider: NodeTracerProvider): { root: string; child: string; traceId: string } {
  const tracer = provider.getTracer('checkout-handler', '2.0.0');
  const root = tracer.startSpan('GET /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.route': '/checkout', 'http.response.status_code': 500 },
  });
  const child = tracer.startSpan(
    'SELECT orders',
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders', 'db.rows': [1, 2.5] } },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent('cache.miss', { 'cache.key': 'orders:42' });
  child.recordException(new TypeError('orders is not iterable'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'query failed' });
  child.end();
  root.setStatus({ code: SpanStatusCode.ERROR });
  root.end();
  return { root: root.spanContext().spanId, child: child.spanContext().spanId, traceId: root.spanContext().traceId };
}

describe.each([
  { protocol: 'http/protobuf', Exporter: OTLPTraceExporterProto },
  { protocol: 'http/json', Exporter: OTLPTraceExporterJson },
])('spans from the OTLP trace exporter ($protocol)', ({ Exporter }) => {
  it('arrive on GET /stream as span-v2 items of their service, and the exception as an error event linked to its span', async () => {
    const sidecar = await start();
    const viewer = await openViewer(sidecar.url);
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ resource: RESOURCE, spanProcessors: [new SimpleSpanProcessor(memory)] });
    const ids = recordCheckout(provider);

    const exporter = new Exporter({ url: `${sidecar.url}/v1/traces` });
    const result = await new Promise<Exported>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();

    await viewer.waitForEvents(2);
    const all = envelopes(viewer);
    const [spans] = payloads(all, 'span');
    expect(spans?.itemHeader).toMatchObject({ type: 'span', item_count: 2, content_type: SPAN_V2_CONTENT_TYPE });
    expect(spans?.header).toMatchObject({
      sdk: { name: 'opentelemetry.nodejs', version: expect.stringMatching(/^2\./) },
      trace: { trace_id: ids.traceId },
    });
    const items = spans?.payload.items as Json[];
    const child = items.find((s) => s.span_id === ids.child) as Json;
    const root = items.find((s) => s.span_id === ids.root) as Json;
    expect(root).toMatchObject({ trace_id: ids.traceId, name: 'GET /checkout', is_segment: true, status: 'error' });
    expect(root.parent_span_id).toBeUndefined();
    expect(child).toMatchObject({
      trace_id: ids.traceId,
      parent_span_id: ids.root,
      name: 'SELECT orders',
      is_segment: false,
      status: 'error',
    });
    expect(child.end_timestamp as number).toBeGreaterThanOrEqual(child.start_timestamp as number);
    expect(Math.abs((child.start_timestamp as number) - Date.now() / 1000)).toBeLessThan(60);
    // The service and SDK, the original attributes, and what Sentry's viewers read.
    expect(attribute(root, 'service.name')).toBe('checkout');
    expect(attribute(root, 'telemetry.sdk.language')).toBe('nodejs');
    expect(attribute(root, 'http.route')).toBe('/checkout');
    expect(attribute(root, 'http.response.status_code')).toBe(500);
    expect(attribute(root, 'sentry.op')).toBe('http.server');
    expect(attribute(root, 'sentry.kind')).toBe('server');
    expect(attribute(root, 'sentry.release')).toBe('1.4.0');
    expect(attribute(root, 'sentry.environment')).toBe('development');
    expect(attribute(root, 'otel.scope.name')).toBe('checkout-handler');
    expect(attribute(child, 'sentry.op')).toBe('db');
    expect(attribute(child, 'sentry.kind')).toBe('client');
    expect(attribute(child, 'sentry.status.message')).toBe('query failed');
    expect(attribute(child, 'sentry.segment.id')).toBe(ids.root);
    expect(attribute(child, 'sentry.segment.name')).toBe('GET /checkout');
    expect((child.attributes as Json)['db.rows']).toEqual({ type: 'array', value: [1, 2.5] });
    const events = JSON.parse(attribute(child, 'otel.events') as string) as Json[];
    expect(events.map((e) => e.name)).toEqual(['cache.miss', 'exception']);
    expect(events[0]?.attributes).toEqual({ 'cache.key': 'orders:42' });

    const [error] = payloads(all, 'event');
    expect(error?.header).toMatchObject({ event_id: error?.payload.event_id, sdk: { name: 'opentelemetry.nodejs' } });
    const event = error?.payload as Json;
    expect(event).toMatchObject({
      level: 'error',
      platform: 'node',
      release: '1.4.0',
      environment: 'development',
      transaction: 'GET /checkout',
      contexts: { trace: { trace_id: ids.traceId, span_id: ids.child, parent_span_id: ids.root, op: 'db' } },
    });
    expect((event.contexts as Json).otel).toMatchObject({
      resource: { 'service.name': 'checkout' },
      attributes: { 'exception.type': 'TypeError' },
    });
    const [exception] = (event.exception as { values: Json[] }).values;
    expect(exception).toMatchObject({ type: 'TypeError', value: 'orders is not iterable', mechanism: { type: 'otlp', handled: true } });
    const frames = (exception?.stacktrace as { frames: Json[] } | undefined)?.frames ?? [];
    // Oldest call first: the last frame is where it was thrown, in this file.
    expect(frames.at(-1)).toMatchObject({
      function: 'recordCheckout',
      in_app: true,
      filename: expect.stringContaining('exporters.test.ts'),
    });
    expect(frames.at(-1)?.lineno).toEqual(expect.any(Number));
  });
});

describe.each([
  { protocol: 'http/protobuf', Exporter: OTLPLogExporterProto },
  { protocol: 'http/json', Exporter: OTLPLogExporterJson },
])('log records from the OTLP log exporter ($protocol)', ({ Exporter }) => {
  it('arrive on GET /stream as log-v2 items with severity, body, attributes and the span they were written in', async () => {
    const sidecar = await start();
    const viewer = await openViewer(sidecar.url);
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource: RESOURCE, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    const logger = provider.getLogger('checkout-log', '3.0.0');
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'cache is cold',
      attributes: { 'cache.name': 'orders', attempt: 2 },
      context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
    });
    logger.emit({ severityNumber: SeverityNumber.ERROR2, body: { order: 42, reason: 'declined' } });
    logger.emit({ severityText: 'debug', body: 'no number, only text' });

    const exporter = new Exporter({ url: `${sidecar.url}/v1/logs` });
    const result = await new Promise<Exported>((resolve) => exporter.export(memory.getFinishedLogRecords(), resolve));
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();

    await viewer.waitForEvents(1);
    const [logs] = payloads(envelopes(viewer), 'log');
    expect(logs?.header).toMatchObject({ sdk: { name: 'opentelemetry.nodejs' } });
    expect(logs?.itemHeader).toMatchObject({ type: 'log', item_count: 3, content_type: LOG_V2_CONTENT_TYPE });
    const [warn, error, debug] = (logs?.payload.items ?? []) as Json[];
    expect(warn).toMatchObject({
      level: 'warn',
      severity_number: 13,
      body: 'cache is cold',
      trace_id: spanContext.traceId,
      span_id: spanContext.spanId,
    });
    expect(Math.abs((warn?.timestamp as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(attribute(warn as Json, 'cache.name')).toBe('orders');
    expect(attribute(warn as Json, 'attempt')).toBe(2);
    expect(attribute(warn as Json, 'service.name')).toBe('checkout');
    expect(attribute(warn as Json, 'otel.scope.name')).toBe('checkout-log');
    expect(attribute(warn as Json, 'otel.severity_text')).toBe('WARN');
    expect(error).toMatchObject({ level: 'error', severity_number: 18, body: '{"order":42,"reason":"declined"}' });
    expect(error?.trace_id).toBeUndefined();
    expect(debug).toMatchObject({ level: 'debug', body: 'no number, only text' });
    expect(debug?.severity_number).toBeUndefined();
  });
});
