// An inventory service instrumented with OpenTelemetry only (no Sentry SDK), configured the way the
// sidecar's README tells users: OTEL_EXPORTER_OTLP_ENDPOINT set to the sidecar, protobuf exporters.
// It continues the trace of its callers from their W3C `traceparent` header.
import http from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'inventory', 'service.version': '3.2.0' }));
const tracerProvider = new NodeTracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 100 })],
});
// Registers the AsyncLocalStorage context manager and the W3C trace-context propagator.
tracerProvider.register();
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: 100 })],
});
const tracer = trace.getTracer('inventory-http', '1.0.0');
const logger = loggerProvider.getLogger('inventory', '1.0.0');

class OutOfStockError extends Error {
  name = 'OutOfStockError';
}

function lookUp(sku) {
  return tracer.startActiveSpan(
    'SELECT stock',
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT quantity FROM stock WHERE sku = $1' } },
    (span) => {
      try {
        if (sku === 'SKU-404') throw new OutOfStockError(`${sku} is not stocked in any warehouse`);
        return 7;
      } catch (error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

const server = http.createServer((req, res) => {
  const sku = new URL(req.url ?? '/', 'http://localhost').pathname.split('/').pop();
  const parent = propagation.extract(context.active(), req.headers);
  const attributes = { 'http.request.method': req.method, 'http.route': '/stock/:sku', 'url.path': req.url };
  tracer.startActiveSpan('GET /stock/:sku', { kind: SpanKind.SERVER, attributes }, parent, (span) => {
    try {
      const quantity = lookUp(sku);
      logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `stock of ${sku}: ${quantity}`, attributes: { sku } });
      span.setAttribute('http.response.status_code', 200);
      res.end(JSON.stringify({ sku, quantity }));
    } catch (error) {
      logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: `no stock for ${sku}`, attributes: { sku } });
      span.setAttribute('http.response.status_code', 404);
      span.setStatus({ code: SpanStatusCode.ERROR });
      res.statusCode = 404;
      res.end(JSON.stringify({ error: error.message }));
    } finally {
      span.end();
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`inventory ready: http://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', async () => {
  server.close();
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
  process.exit(0);
});
