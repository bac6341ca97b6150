import http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { decodeWireEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { encodeProtobuf, fill, type Init, protobufFields } from '../test/otlp.ts';
import { eventEnvelope } from '../test/payloads.ts';
import { sidecarStarter } from '../test/server.ts';
import { SseClient } from '../test/sse.ts';
import type { Span } from './model.ts';
import { LOGS_REQUEST, TRACES_REQUEST } from './schema.ts';

// The OTLP/HTTP routes as exporters and Collectors meet them: answers per the specification, every
// refusal a 4xx with its reason (never a 500), the same limits and guards as the envelope routes.

const start = sidecarStarter();
const KiB = 1024;
const MiB = 1024 * KiB;
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

const hex = (text: string) => Buffer.from(text, 'hex');
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const NOW_NS = BigInt(Date.now()) * 1_000_000n;

function span(name: string, spanId: string, more: Init<Span> = {}): Init<Span> {
  return {
    name,
    traceId: hex(TRACE_ID),
    spanId: hex(spanId),
    startTimeUnixNano: NOW_NS,
    endTimeUnixNano: NOW_NS + 5_000_000n,
    ...more,
  };
}

function tracesBody(spans: Init<Span>[]): Uint8Array {
  return encodeProtobuf(
    TRACES_REQUEST,
    fill(TRACES_REQUEST, {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'payments' } }] },
          scopeSpans: [{ spans }],
        },
      ],
    }),
  );
}

const text = (bytes: Uint8Array | bigint | undefined): string =>
  bytes instanceof Uint8Array ? Buffer.from(bytes).toString('utf8') : String(bytes);

/** The reason in an OTLP error answer: a protobuf `google.rpc.Status` (message is field 2). */
function statusMessage(bytes: Uint8Array): string {
  return text(protobufFields(bytes).get(2) ?? new Uint8Array(0));
}

/** An ExportTraceServiceResponse's `partial_success` (field 1): rejected_spans (1) and error_message (2). */
function partialSuccess(bytes: Uint8Array): { rejectedSpans: bigint | undefined; errorMessage: string } | undefined {
  const field = protobufFields(bytes).get(1);
  if (!(field instanceof Uint8Array)) return undefined;
  const fields = protobufFields(field);
  const rejected = fields.get(1);
  return { rejectedSpans: typeof rejected === 'bigint' ? rejected : undefined, errorMessage: text(fields.get(2)) };
}

/** node:http, for headers fetch will not send (Host, Origin). */
function rawPost(port: number, path: string, headers: Record<string, string>, body: Uint8Array) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('export answers', () => {
  it('answers an accepted protobuf export with an empty ExportTraceServiceResponse, and a JSON one with {}', async () => {
    // Envelope listeners (the --forward forwarders) get the converted envelopes like any other.
    const listened: string[] = [];
    const sidecar = await start({ onEnvelope: [(e) => listened.push(...e.envelope.items.map((item) => String(item.header.type)))] });
    const proto = await sidecar.post('/v1/traces', tracesBody([span('GET /pay', 'aaaaaaaaaaaaaaa1')]), PROTOBUF);
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect(proto.bytes.length).toBe(0);
    const json = await sidecar.post(
      '/v1/logs',
      JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'hello' } }] }] }] }),
      JSON_TYPE,
    );
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(json.text)).toEqual({});
    expect(listened).toEqual(['span', 'log']);
  });

  it('refuses invalid spans with partial success (count and reasons) and keeps the valid ones', async () => {
    const sidecar = await start();
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    const body = tracesBody([
      span('kept', 'aaaaaaaaaaaaaaa1'),
      span('short trace id', 'aaaaaaaaaaaaaaa2', { traceId: hex('01020304') }),
      span('zero span id', '0000000000000000'),
      span('no start', 'aaaaaaaaaaaaaaa3', { startTimeUnixNano: 0n }),
    ]);
    const answer = await sidecar.post('/v1/traces', body, PROTOBUF);
    expect(answer.status).toBe(200);
    const response = partialSuccess(answer.bytes);
    expect(response?.rejectedSpans).toBe(3n);
    expect(response?.errorMessage).toBe(
      'Spotlight refused 3 spans: span "short trace id" has a 4-byte (not 16-byte) trace_id; span "zero span id" has an all-zero span_id; span "no start" has no start_time_unix_nano; ...',
    );
    await viewer.waitForEvents(1);
    const [, items] = decodeWireEnvelope(viewer.events[0]?.data ?? '');
    expect((items[0]?.[1] as { items: { name: string }[] } | undefined)?.items.map((s) => s.name)).toEqual(['kept']);
    viewer.close();

    const json = await sidecar.post(
      '/v1/traces',
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: '', name: 'no id', startTimeUnixNano: '1' }] }] }],
      }),
      JSON_TYPE,
    );
    expect(JSON.parse(json.text)).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'Spotlight refused 1 span: span "no id" has no span_id' },
    });
  });

  it('reads OTLP/JSON as the specification writes it: hex ids, integer enums, 64-bit integers as strings, gzip', async () => {
    const sidecar = await start();
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'worker' } }] },
          scopeSpans: [
            {
              scope: { name: 'jobs' },
              spans: [
                {
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: 'EEE19B7EC3C1B174',
                  parentSpanId: '',
                  name: 'process job',
                  kind: 5,
                  startTimeUnixNano: '1544712660300000000',
                  endTimeUnixNano: 1544712660400000000,
                  attributes: [
                    { key: 'messaging.system', value: { stringValue: 'rabbitmq' } },
                    { key: 'retries', value: { intValue: '3' } },
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'payload', value: { kvlistValue: { values: [{ key: 'id', value: { intValue: 7 } }] } } },
                  ],
                  status: { code: 2, message: 'timed out' },
                  unknownField: 'ignored',
                },
              ],
            },
          ],
        },
      ],
    };
    const body = zlib.gzipSync(JSON.stringify(request));
    const answer = await sidecar.post('/v1/traces', body, { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({});
    await viewer.waitForEvents(1);
    const [header, items] = decodeWireEnvelope(viewer.events[0]?.data ?? '');
    expect(header.sdk).toEqual({ name: 'otlp' });
    const [item] = (items[0]?.[1] as { items: Record<string, unknown>[] } | undefined)?.items ?? [];
    expect(item).toMatchObject({
      trace_id: TRACE_ID,
      span_id: 'eee19b7ec3c1b174',
      name: 'process job',
      start_timestamp: 1544712660.3,
      end_timestamp: 1544712660.4,
      is_segment: true,
      status: 'error',
      attributes: {
        'service.name': { type: 'string', value: 'worker' },
        'otel.scope.name': { type: 'string', value: 'jobs' },
        retries: { type: 'integer', value: 3 },
        big: { type: 'string', value: '9007199254740993' },
        payload: { type: 'string', value: '{"id":7}' },
        'sentry.op': { type: 'string', value: 'queue.process' },
        'sentry.kind': { type: 'string', value: 'consumer' },
        'sentry.status.message': { type: 'string', value: 'timed out' },
      },
    });
    expect(item?.parent_span_id).toBeUndefined();
    viewer.close();
  });

  it('answers POST /v1/metrics with 404 and how to stop the exporter sending them', async () => {
    const sidecar = await start();
    const answer = await sidecar.post('/v1/metrics', '{}', JSON_TYPE);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toEqual({
      message:
        'Spotlight shows OTLP traces (/v1/traces) and logs (/v1/logs), not metrics; set OTEL_METRICS_EXPORTER=none (or send metrics elsewhere)',
    });
  });
});

describe('refusals: a 4xx with the reason in the request encoding, never a 500', () => {
  it('400 for a truncated protobuf, and for JSON that is not an export request', async () => {
    const sidecar = await start();
    const whole = tracesBody([span('GET /pay', 'aaaaaaaaaaaaaaa1')]);
    const truncated = await sidecar.post('/v1/traces', whole.subarray(0, whole.length - 7), PROTOBUF);
    expect(truncated.status).toBe(400);
    expect(truncated.headers.get('content-type')).toBe('application/x-protobuf');
    expect(statusMessage(truncated.bytes)).toMatch(/^malformed protobuf ExportTraceServiceRequest: it ends inside a field \(/);

    const cases: [string, RegExp][] = [
      ['{"resourceSpans": [', /^malformed JSON ExportTraceServiceRequest: /],
      [
        '{"resourceSpans": 5}',
        /^malformed JSON ExportTraceServiceRequest: cannot decode field [\w.]+\.resource_spans from JSON: expected Array, got 5$/,
      ],
      [
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not hex"}]}]}]}',
        /^malformed OTLP JSON: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId is not hex \("not hex"\)$/,
      ],
      ['\u00ff\u00fe', /^malformed JSON ExportTraceServiceRequest: /],
    ];
    for (const [body, reason] of cases) {
      const answer = await sidecar.post('/v1/traces', body, JSON_TYPE);
      expect(answer.status, body).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect((JSON.parse(answer.text) as { message: string }).message, body).toMatch(reason);
    }
  });

  it('415 for a content type OTLP/HTTP does not use, and for an unknown Content-Encoding', async () => {
    const sidecar = await start();
    const body = tracesBody([span('GET /pay', 'aaaaaaaaaaaaaaa1')]);
    for (const type of ['text/plain', 'application/x-sentry-envelope', '']) {
      const answer = await sidecar.post('/v1/logs', body, type ? { 'Content-Type': type } : {});
      expect(answer.status, type).toBe(415);
      expect(answer.text).toBe(
        `Content-Type "${type}" is not accepted on /v1/logs; send application/x-protobuf or application/json (OTLP/HTTP)\n`,
      );
    }
    const encoded = await sidecar.post('/v1/traces', body, { ...PROTOBUF, 'Content-Encoding': 'snappy' });
    expect(encoded.status).toBe(415);
    expect(statusMessage(encoded.bytes)).toContain('unknown Content-Encoding "snappy"');
  });

  it('413 past --max-body-bytes (declared or streamed) and for a gzip bomb past --max-decompressed-bytes', async () => {
    const sidecar = await start({ maxBodyBytes: 64 * KiB, maxDecompressedBytes: MiB });
    const big = tracesBody(Array.from({ length: 2000 }, (_, i) => span(`span ${i}`, (i + 1).toString(16).padStart(16, '0'))));
    expect(big.length).toBeGreaterThan(64 * KiB);
    const declared = await sidecar.post('/v1/traces', big, PROTOBUF);
    expect(declared.status).toBe(413);
    expect(statusMessage(declared.bytes)).toBe(`request body of ${big.length} bytes is over the limit of 65536 bytes (--max-body-bytes)`);

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < big.length; at += 8 * KiB) controller.enqueue(big.subarray(at, at + 8 * KiB));
        controller.close();
      },
    });
    const chunked = await fetch(`${sidecar.url}/v1/traces`, {
      method: 'POST',
      body: stream,
      headers: PROTOBUF,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(statusMessage(new Uint8Array(await chunked.arrayBuffer()))).toBe(
      'request body is over the limit of 65536 bytes (--max-body-bytes)',
    );

    const bomb = await promisify(zlib.gzip)(Buffer.alloc(40 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * KiB);
    const answer = await sidecar.post('/v1/logs', bomb, { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ message: 'request body decompresses to more than 1048576 bytes (--max-decompressed-bytes)' });
  });

  it('never answers garbage with a 500: random bytes as protobuf or JSON, traces or logs', async () => {
    const sidecar = await start();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const statuses = new Set<number>();
    for (let i = 0; i < 120; i++) {
      const bytes = Uint8Array.from({ length: random() % 300 }, () => random() & 0xff);
      const path = i % 2 === 0 ? '/v1/traces' : '/v1/logs';
      const answer = await sidecar.post(path, bytes, i % 3 === 0 ? JSON_TYPE : PROTOBUF);
      statuses.add(answer.status);
      expect([200, 400], `${path} ${Buffer.from(bytes).toString('hex')}`).toContain(answer.status);
    }
    expect(statuses).toEqual(new Set([200, 400]));
    expect(sidecar.logs.filter((line) => line.includes('internal error') || line.includes(' 500'))).toEqual([]);
  });
});

describe('guards: the same Host and Origin checks as every route', () => {
  it('refuses a foreign Host (DNS rebinding) and a cross-site Origin with 403, and lets a local page send with CORS', async () => {
    const sidecar = await start();
    const body = encodeProtobuf(LOGS_REQUEST, fill(LOGS_REQUEST, {}));
    const rebinding = await rawPost(sidecar.port, '/v1/logs', { ...PROTOBUF, Host: 'attacker.example' }, body);
    expect(rebinding.status).toBe(403);
    expect(rebinding.text).toContain('Host "attacker.example" is not allowed');
    const crossSite = await rawPost(sidecar.port, '/v1/traces', { ...PROTOBUF, Origin: 'https://attacker.example' }, body);
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).toContain('Origin "https://attacker.example" is not allowed');
    const local = await rawPost(sidecar.port, '/v1/logs', { ...PROTOBUF, Origin: 'http://localhost:5173' }, body);
    expect(local.status).toBe(200);
    expect(local.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(sidecar.store.size).toBe(0);
  });
});

describe('isolation', () => {
  it('stores every good envelope sent while bombs, oversize and malformed OTLP requests are refused', async () => {
    const sidecar = await start({ maxBodyBytes: 256 * KiB, maxDecompressedBytes: MiB });
    const viewer = await SseClient.open(`${sidecar.url}/stream`);
    const bomb = await promisify(zlib.gzip)(Buffer.alloc(50 * MiB), { level: 9 });
    const whole = tracesBody([span('GET /pay', 'aaaaaaaaaaaaaaa1')]);
    const bad = [
      () => sidecar.post('/v1/traces', bomb, { ...PROTOBUF, 'Content-Encoding': 'gzip' }),
      () => sidecar.post('/v1/logs', new Uint8Array(300 * KiB), PROTOBUF),
      () => sidecar.post('/v1/traces', whole.subarray(0, whole.length - 3), PROTOBUF),
      () => sidecar.post('/v1/traces', '{"resourceSpans":', JSON_TYPE),
      () => sidecar.post('/v1/logs', 'plain text', { 'Content-Type': 'text/plain' }),
    ];
    const good = Array.from({ length: 20 }, (_, i) => () => sidecar.post('/stream', eventEnvelope(`good ${i}`)));
    const answers = await Promise.all([...bad, ...bad, ...good].map((send) => send()));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual([413, 413, 400, 400, 415, 413, 413, 400, 400, 415]);
    expect(answers.slice(10).every((a) => a.status === 200)).toBe(true);
    await viewer.waitForEvents(20);
    const messages = viewer.events.map((e) => (decodeWireEnvelope(e.data)[1][0]?.[1] as { message?: string } | undefined)?.message).sort();
    expect(messages).toEqual(Array.from({ length: 20 }, (_, i) => `good ${i}`).sort());
    expect(sidecar.store.size).toBe(20);
    viewer.close();
  });
});
