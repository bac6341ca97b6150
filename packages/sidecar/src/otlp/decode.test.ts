import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobuf, fill } from '../test/otlp.ts';
import { decodeLogs, decodeTraces, type OtlpFormat } from './decode.ts';
import { OtlpDecodeError } from './decodeError.ts';
import type { AnyValue, ExportTraceServiceRequest } from './model.ts';
import { TRACES_REQUEST } from './schema.ts';

// The decoder on its own: what real exporters send, in both encodings; what a newer sender may add;
// what a broken or hostile one may send.

/** What the exporters POST, captured by a server on 127.0.0.1 that answers as a Collector would. */
const bodies: { path: string; type: string; body: Buffer }[] = [];
let server: http.Server;
let url = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
      const type = req.headers['content-type'] ?? '';
      bodies.push({ path: req.url ?? '', type, body });
      const json = type.startsWith('application/json');
      res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

type Exported = { code: ExportResultCode; error?: Error };
interface Exporter<T> {
  export(items: T[], done: (result: Exported) => void): void;
  shutdown(): Promise<void>;
}

/** The body `exporter` POSTs for `items`. */
async function captured<T>(exporter: Exporter<T>, items: T[]): Promise<Buffer> {
  const before = bodies.length;
  const result = await new Promise<Exported>((resolve) => exporter.export(items, resolve));
  await exporter.shutdown();
  expect(result.error).toBeUndefined();
  expect(bodies.length).toBe(before + 1);
  return bodies[before]?.body ?? Buffer.alloc(0);
}

/** A decoded message with its bytes as hex, so that views into a body and copies (or Buffers) compare equal. */
function comparable(message: unknown): unknown {
  if (message instanceof Uint8Array) return `hex:${Buffer.from(message).toString('hex')}`;
  if (typeof message === 'bigint') return `${message}n`;
  if (Array.isArray(message)) return message.map(comparable);
  if (typeof message !== 'object' || message === null) return message;
  return Object.fromEntries(Object.entries(message).map(([key, value]) => [key, comparable(value)]));
}

const RESOURCE = resourceFromAttributes({ 'service.name': 'decoder-test', 'service.version': '2.0.0' });

function recordSpans(): ReturnType<InMemorySpanExporter['getFinishedSpans']> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: RESOURCE, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('decoder-test', '1.0.0');
  const root = tracer.startSpan('GET /cart', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, ratio: 0.5, cached: false, tags: ['a', 'b'] },
  });
  const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  const child = tracer.startSpan(
    'SELECT cart',
    { kind: SpanKind.CLIENT, attributes: { 'db.rows': [1, 2, 3] }, links: [{ context: linked, attributes: { why: 'batch' } }] },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent('retry', { attempt: 2 });
  child.recordException(new RangeError('too many rows'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  child.end();
  root.end();
  return memory.getFinishedSpans();
}

describe('a real exporter', () => {
  it('sends spans whose protobuf body decodes to the same request as its OTLP/JSON body', async () => {
    const spans = recordSpans();
    const proto = await captured(new OTLPTraceExporterProto({ url: `${url}/v1/traces` }), spans);
    const json = await captured(new OTLPTraceExporterJson({ url: `${url}/v1/traces` }), spans);
    const fromProto = decodeTraces(proto, 'protobuf');
    const fromJson = decodeTraces(json, 'json');
    expect(comparable(fromJson)).toEqual(comparable(fromProto));

    // And that request is what the SDK recorded.
    const [resourceSpans] = fromProto.resourceSpans;
    const [scopeSpans] = resourceSpans?.scopeSpans ?? [];
    expect(scopeSpans?.scope).toMatchObject({ name: 'decoder-test', version: '1.0.0' });
    const decoded = scopeSpans?.spans ?? [];
    expect(decoded.map((s) => [s.name, s.kind, s.status?.code, Buffer.from(s.spanId).toString('hex')])).toEqual(
      spans.map((s) => [s.name, s.kind + 1, s.status.code, s.spanContext().spanId]),
    );
    const root = decoded.find((s) => s.name === 'GET /cart');
    const child = decoded.find((s) => s.name === 'SELECT cart');
    expect(Buffer.from(child?.parentSpanId ?? []).toString('hex')).toBe(Buffer.from(root?.spanId ?? []).toString('hex'));
    expect(child?.startTimeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
    expect(Object.fromEntries(root?.attributes.map((a) => [a.key, a.value]) ?? [])).toEqual({
      'http.request.method': { type: 'string', value: 'GET' },
      'http.response.status_code': { type: 'int', value: 200n },
      ratio: { type: 'double', value: 0.5 },
      cached: { type: 'bool', value: false },
      tags: {
        type: 'array',
        value: [
          { type: 'string', value: 'a' },
          { type: 'string', value: 'b' },
        ],
      },
    });
    expect(child?.status?.message).toBe('failed');
    expect(child?.events.map((e) => e.name)).toEqual(['retry', 'exception']);
    expect(child?.links.map((l) => [Buffer.from(l.traceId).toString('hex'), Buffer.from(l.spanId).toString('hex'), l.flags & 1])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 1],
    ]);
  });

  it('sends log records whose protobuf body decodes to the same request as its OTLP/JSON body', async () => {
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource: RESOURCE, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    const logger = provider.getLogger('decoder-log', '3.0.0');
    const context = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'cold cache', attributes: { attempt: 2 }, context });
    logger.emit({ severityNumber: SeverityNumber.ERROR2, body: { order: 42, lines: ['x', 'y'], raw: new Uint8Array([0, 255]) } });
    logger.emit({ eventName: 'cart.emptied', body: 1.5 });
    const records = memory.getFinishedLogRecords();
    const proto = await captured(new OTLPLogExporterProto({ url: `${url}/v1/logs` }), records);
    const json = await captured(new OTLPLogExporterJson({ url: `${url}/v1/logs` }), records);
    const fromProto = decodeLogs(proto, 'protobuf');
    expect(comparable(decodeLogs(json, 'json'))).toEqual(comparable(fromProto));

    const decoded = fromProto.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    expect(decoded.map((r) => [r.severityNumber, r.severityText, r.eventName])).toEqual([
      [13, 'WARN', ''],
      [18, '', ''],
      [0, '', 'cart.emptied'],
    ]);
    expect(decoded[0]?.body).toEqual({ type: 'string', value: 'cold cache' });
    expect(Buffer.from(decoded[0]?.traceId ?? []).toString('hex')).toBe('0af7651916cd43dd8448eb211c80319c');
    const body = decoded[1]?.body;
    expect(body?.type).toBe('kvlist');
    expect(comparable(body)).toEqual(
      comparable({
        type: 'kvlist',
        value: [
          { key: 'order', value: { type: 'int', value: 42n } },
          {
            key: 'lines',
            value: {
              type: 'array',
              value: [
                { type: 'string', value: 'x' },
                { type: 'string', value: 'y' },
              ],
            },
          },
          { key: 'raw', value: { type: 'bytes', value: Uint8Array.of(0, 255) } },
        ],
      }),
    );
    expect(decoded[2]?.body).toEqual({ type: 'double', value: 1.5 });
  });
});

// Hand-written protobuf, field by field, for what no exporter sends.
const LD = WireType.LengthDelimited;
const message = (write: (w: BinaryWriter) => void): Uint8Array => {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish();
};
const hex = (text: string) => Buffer.from(text, 'hex');
const TRACE = '0102030405060708090a0b0c0d0e0f10';

const EXPECTED: ExportTraceServiceRequest = fill(TRACES_REQUEST, {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'newer' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: hex(TRACE),
              spanId: hex('0102030405060708'),
              name: 'from a newer SDK',
              startTimeUnixNano: 5n,
              attributes: [{ key: 'k', value: { type: 'int', value: -1n } }],
            },
          ],
        },
      ],
    },
  ],
});

describe('what a newer sender adds', () => {
  it('skips unknown protobuf fields of every wire type at every level, and known fields of another wire type', () => {
    const value = message((w) =>
      w
        .tag(3, WireType.Varint)
        .int64(-1n)
        .tag(8, WireType.Varint) // string_value_strindex (a later OTLP)
        .int32(4)
        .tag(15, LD)
        .string('unknown'),
    );
    const attribute = message((w) => w.tag(1, LD).string('k').tag(2, LD).bytes(value).tag(3, WireType.Varint).int32(7));
    const span = message((w) =>
      w
        .tag(1, LD)
        .bytes(hex(TRACE))
        .tag(2, LD)
        .bytes(hex('0102030405060708'))
        .tag(3, LD) // trace_state: not read
        .string('vendor=1')
        .tag(5, LD)
        .string('from a newer SDK')
        .tag(6, WireType.Bit32) // kind, as if it had become fixed32: skipped
        .fixed32(2)
        .tag(7, WireType.Bit64)
        .fixed64(5n)
        .tag(9, LD)
        .bytes(attribute)
        .tag(100, WireType.Bit64)
        .fixed64(1n)
        .tag(101, WireType.Bit32)
        .fixed32(1)
        .tag(102, WireType.StartGroup)
        .tag(1, WireType.Varint)
        .uint32(1)
        .tag(102, WireType.EndGroup)
        .tag(536_870_911, WireType.Varint) // the largest field number
        .uint32(1),
    );
    const resource = message((w) =>
      w
        .tag(1, LD)
        .bytes(
          message((kv) =>
            kv
              .tag(1, LD)
              .string('service.name')
              .tag(2, LD)
              .bytes(message((v) => v.tag(1, LD).string('newer'))),
          ),
        )
        .tag(3, LD) // entity_refs
        .bytes(message((ref) => ref.tag(2, LD).string('service'))),
    );
    const scopeSpans = message((w) => w.tag(2, LD).bytes(span).tag(3, LD).string('https://opentelemetry.io/schemas/1.30.0'));
    const body = message((w) =>
      w
        .tag(1, LD)
        .bytes(message((rs) => rs.tag(1, LD).bytes(resource).tag(2, LD).bytes(scopeSpans).tag(9, WireType.Varint).uint32(1)))
        .tag(2, LD)
        .string('unknown at the top'),
    );
    expect(comparable(decodeTraces(body, 'protobuf'))).toEqual(comparable(EXPECTED));
  });

  it('ignores unknown JSON keys at every level, and reads the proto field names too', () => {
    const body = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'newer', future: 1 } }], entityRefs: [{}] },
          scopeSpans: [
            {
              schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
              spans: [
                {
                  trace_id: TRACE,
                  spanId: '0102030405060708',
                  traceState: 'vendor=1',
                  name: 'from a newer SDK',
                  start_time_unix_nano: '5',
                  attributes: [{ key: 'k', value: { int_value: '-1' }, keyStrindex: 3 }],
                  somethingNew: { deep: [1, 2, 3] },
                },
              ],
            },
          ],
        },
      ],
      also: 'ignored',
    });
    expect(comparable(decodeTraces(Buffer.from(body), 'json'))).toEqual(comparable(EXPECTED));
  });
});

/** The decoder's error for `body`, which must be an OtlpDecodeError. */
function failure(body: Uint8Array | string, format: OtlpFormat, decode = decodeTraces): string {
  try {
    decode(typeof body === 'string' ? Buffer.from(body) : body, format);
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return (error as Error).message;
  }
  throw new Error('it decoded');
}

/** `depth` AnyValues, each an array_value holding the next, the last one a string. */
function nestedValue(depth: number): Uint8Array {
  let value: Uint8Array = message((w) => w.tag(1, LD).string('bottom'));
  for (let level = 1; level < depth; level++) {
    const inner = value;
    value = message((w) => w.tag(5, LD).bytes(message((array) => array.tag(1, LD).bytes(inner))));
  }
  return value;
}

/** A trace request whose one span has an attribute of value `value` (protobuf). */
function withValue(value: Uint8Array): Uint8Array {
  const attribute = message((w) => w.tag(1, LD).string('deep').tag(2, LD).bytes(value));
  const span = message((w) => w.tag(1, LD).bytes(hex(TRACE)).tag(9, LD).bytes(attribute));
  return message((w) => w.tag(1, LD).bytes(message((rs) => rs.tag(2, LD).bytes(message((ss) => ss.tag(2, LD).bytes(span))))));
}

const jsonWithValue = (value: string): string =>
  `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE}","attributes":[{"key":"deep","value":${value}}]}]}]}]}`;
const nestedJson = (depth: number): string => {
  const open = '{"arrayValue":{"values":['.repeat(depth - 1);
  return `${open}{"stringValue":"bottom"}${']}}'.repeat(depth - 1)}`;
};

describe('what a broken or hostile sender sends', () => {
  it('refuses a body cut anywhere inside a field with the typed error, and never throws anything else', async () => {
    const body = await captured(new OTLPTraceExporterProto({ url: `${url}/v1/traces` }), recordSpans());
    let insideAField = 0;
    for (let length = 0; length < body.length; length++) {
      const cut = body.subarray(0, length);
      let message: string | undefined;
      try {
        decodeTraces(cut, 'protobuf');
      } catch (error) {
        expect(error).toBeInstanceOf(OtlpDecodeError);
        message = (error as Error).message;
      }
      // The request is one resource_spans field: any cut but at its very start is inside it.
      if (length > 0) {
        expect(message, `cut at ${length}`).toMatch(/^malformed protobuf ExportTraceServiceRequest: it ends inside a field \(.+\)$/);
        insideAField++;
      }
    }
    expect(insideAField).toBe(body.length - 1);
    expect(body.length).toBeGreaterThan(128);
    expect(failure(body.subarray(0, 10), 'protobuf')).toMatch(
      /^malformed protobuf ExportTraceServiceRequest: it ends inside a field \(ExportTraceServiceRequest\.resource_spans at byte 0 is \d+ bytes long, [5-7] follow\)$/,
    );
  });

  it('refuses flipped bytes in a real body with the typed error, or decodes them, never anything else', async () => {
    const body = await captured(new OTLPTraceExporterProto({ url: `${url}/v1/traces` }), recordSpans());
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const outcomes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const mutated = Uint8Array.from(body);
      for (let flips = 1 + (random() % 3); flips > 0; flips--) mutated[random() % mutated.length] = random() & 0xff;
      try {
        decodeTraces(mutated, 'protobuf');
        outcomes.add('decoded');
      } catch (error) {
        expect(error).toBeInstanceOf(OtlpDecodeError);
        expect((error as Error).message).toMatch(/^malformed protobuf ExportTraceServiceRequest: [^\n]+$/);
        outcomes.add('refused');
      }
    }
    expect(outcomes).toEqual(new Set(['decoded', 'refused']));
  });

  it('says which field is not what its message holds', () => {
    // An attribute of 3 bytes whose key says it is 5 bytes long.
    const span = message((w) =>
      w
        .tag(9, LD)
        .bytes(Uint8Array.of(0x0a, 0x05, 0x61))
        .tag(5, LD)
        .string('GET /'),
    );
    const body = message((w) => w.tag(1, LD).bytes(message((rs) => rs.tag(2, LD).bytes(message((ss) => ss.tag(2, LD).bytes(span))))));
    expect(failure(body, 'protobuf')).toBe(
      'malformed protobuf ExportTraceServiceRequest: field 1 of KeyValue at byte 8 runs past the end of its KeyValue',
    );
    const list = message((w) =>
      w
        .tag(1, LD)
        .bytes(message((rs) => rs.tag(2, LD).bytes(Uint8Array.of(0x12, 0x09))))
        .tag(2, LD)
        .string('12345678'),
    );
    expect(failure(list, 'protobuf')).toBe(
      'malformed protobuf ExportTraceServiceRequest: ScopeSpans.spans at byte 4 runs past the end of the message that holds it',
    );
    expect(failure(Uint8Array.of(0x0f), 'protobuf')).toBe(
      'malformed protobuf ExportTraceServiceRequest: illegal tag: field no 1 wire type 7 (a field of ExportTraceServiceRequest at byte 0)',
    );
    expect(failure(Uint8Array.of(0x0a, 0x02, 0x0a), 'protobuf')).toBe(
      'malformed protobuf ExportTraceServiceRequest: it ends inside a field (ExportTraceServiceRequest.resource_spans at byte 0 is 2 bytes long, 1 follow)',
    );
  });

  it('refuses AnyValues nested deeper than the limit, in protobuf and JSON, and reads them up to it', () => {
    const decoded = decodeTraces(withValue(nestedValue(64)), 'protobuf');
    let value: AnyValue | undefined = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes[0]?.value;
    let depth = 1;
    while (value?.type === 'array') {
      value = value.value[0];
      depth++;
    }
    expect([depth, value]).toEqual([64, { type: 'string', value: 'bottom' }]);
    expect(comparable(decodeTraces(Buffer.from(jsonWithValue(nestedJson(64))), 'json'))).toEqual(comparable(decoded));

    expect(failure(withValue(nestedValue(65)), 'protobuf')).toMatch(
      /^malformed protobuf ExportTraceServiceRequest: AnyValue nested more than 64 deep at byte \d+$/,
    );
    expect(failure(jsonWithValue(nestedJson(65)), 'json')).toMatch(
      /^malformed JSON ExportTraceServiceRequest: cannot decode field AnyValue\.array_value from JSON: AnyValue nested more than 64 deep \(at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value\.arrayValue\.values\[0\]\.arrayValue[.\w[\]]* \.\.\. [.\w[\]]*\.values\[0\]\)$/,
    );
    // Far past it: refused at the limit, long before the stack would run out.
    expect(failure(withValue(nestedValue(5000)), 'protobuf')).toMatch(/AnyValue nested more than 64 deep/);
    expect(failure(jsonWithValue(nestedJson(100_000)), 'json')).toMatch(/AnyValue nested more than 64 deep/);
    // The limit is the caller's to set.
    expect(() => decodeTraces(withValue(nestedValue(3)), 'protobuf', { maxValueDepth: 2 })).toThrow(/nested more than 2 deep/);
  });

  it('names the JSON field that is not of its type, and where it is', () => {
    const cases: [string, string][] = [
      ['[]', 'malformed JSON ExportTraceServiceRequest: expected object, got Array'],
      [
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}',
        'malformed JSON ExportTraceServiceRequest: cannot decode field Span.name from JSON: expected string, got 5 (at resourceSpans[0].scopeSpans[0].spans[0].name)',
      ],
      [
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-1"}]}]}]}',
        'malformed JSON ExportTraceServiceRequest: cannot decode field Span.start_time_unix_nano from JSON: expected an integer from 0 to 18446744073709551615, got "-1" (at resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano)',
      ],
      [
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_SOMETHING"}]}]}]}',
        'malformed JSON ExportTraceServiceRequest: cannot decode field Span.kind from JSON: expected an integer or a value\'s name, got "SPAN_KIND_SOMETHING" (at resourceSpans[0].scopeSpans[0].spans[0].kind)',
      ],
      [
        '{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"bytesValue":"not base64!"}}]}}]}',
        'malformed JSON ExportTraceServiceRequest: cannot decode field AnyValue.bytes_value from JSON: expected base64 string, got "not base64!" (at resourceSpans[0].resource.attributes[0].value.bytesValue)',
      ],
      [
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{"spanId":"xyz"}]}]}]}]}',
        'malformed OTLP JSON: resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId is not hex ("xyz")',
      ],
    ];
    for (const [body, reason] of cases) expect(failure(body, 'json'), body).toBe(reason);
  });

  it('reads enum names and 64-bit integers past 2^53 in JSON', () => {
    const request = decodeTraces(
      Buffer.from(
        jsonWithValue('{"intValue":"-9223372036854775808"}').replace(
          '"attributes"',
          '"kind":"SPAN_KIND_CONSUMER","status":{"code":"STATUS_CODE_ERROR"},"endTimeUnixNano":"18446744073709551615","attributes"',
        ),
      ),
      'json',
    );
    const span = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect([span?.kind, span?.status?.code, span?.endTimeUnixNano, span?.attributes[0]?.value]).toEqual([
      5,
      2,
      2n ** 64n - 1n,
      { type: 'int', value: -(2n ** 63n) },
    ]);
    expect(encodeProtobuf(TRACES_REQUEST, request).length).toBeGreaterThan(0);
  });
});
