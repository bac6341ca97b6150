import { type Envelope, itemJson, parseEnvelope, serializeEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { fill, type Init } from '../test/otlp.ts';
import { convertLogs } from './convertLogs.ts';
import { convertTraces } from './convertSpans.ts';
import { type AnyValue, EMPTY_VALUE, type KeyValue, type Span, SpanKind } from './model.ts';
import { LOGS_REQUEST, TRACES_REQUEST } from './schema.ts';

// The conversion on its own, for what the exporters cannot be made to send: other SDKs' resources,
// remote parents, broken parent chains, odd attribute values, batches past the item limit.

type Json = Record<string, unknown>;
type SpanInit = Init<Span>;

const hex = (text: string) => Buffer.from(text, 'hex');
const TRACE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const str = (value: string): AnyValue => ({ type: 'string', value });

function span(name: string, id: string, more: SpanInit = {}): SpanInit {
  return {
    name,
    traceId: hex(TRACE),
    spanId: hex(id),
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_250_000_000n,
    ...more,
  };
}

function traces(resources: { attributes?: KeyValue[]; spans: SpanInit[] }[]) {
  return fill(TRACES_REQUEST, {
    resourceSpans: resources.map((r) => ({ resource: { attributes: r.attributes ?? [] }, scopeSpans: [{ spans: r.spans }] })),
  });
}

/** What ingest will see: each envelope serialized and parsed back, as items of JSON. */
function read(envelope: Envelope): { header: Json; items: [Json, Json][] } {
  const parsed = parseEnvelope(serializeEnvelope(envelope));
  return { header: parsed.header as Json, items: parsed.items.map((item) => [item.header as Json, itemJson(item) as Json]) };
}

function spanItems(envelopes: { envelope: Envelope }[]): Json[] {
  return envelopes.flatMap(({ envelope }) =>
    read(envelope)
      .items.filter(([header]) => header.type === 'span')
      .flatMap(([, payload]) => payload.items as Json[]),
  );
}

const value = (item: Json | undefined, key: string): unknown => ((item?.attributes as Json | undefined)?.[key] as Json | undefined)?.value;

describe('convertTraces', () => {
  it('names the SDK and service from the resource, one envelope per service and trace', () => {
    const other = 'ffeeddccbbaa99887766554433221100';
    const conversion = convertTraces(
      traces([
        {
          attributes: [
            kv('service.name', str('billing')),
            kv('telemetry.sdk.name', str('opentelemetry')),
            kv('telemetry.sdk.language', str('python')),
            kv('telemetry.sdk.version', str('1.29.0')),
            kv('process.runtime.name', str('cpython')),
          ],
          spans: [span('charge', '1111111111111111'), span('refund', '2222222222222222', { traceId: hex(other) })],
        },
        { attributes: [kv('service.name', str('ledger'))], spans: [span('post', '3333333333333333')] },
      ]),
      1000,
    );
    expect(conversion.rejected).toBe(0);
    const envelopes = conversion.envelopes.map(({ envelope }) => read(envelope));
    expect(
      envelopes.map((e) => [e.header.sdk, (e.header.trace as Json).trace_id, (e.items[0]?.[1].items as Json[] | undefined)?.[0]?.name]),
    ).toEqual([
      [{ name: 'opentelemetry.python', version: '1.29.0' }, TRACE, 'charge'],
      [{ name: 'opentelemetry.python', version: '1.29.0' }, other, 'refund'],
      [{ name: 'otlp' }, TRACE, 'post'],
    ]);
    const [charge] = spanItems(conversion.envelopes);
    expect(value(charge, 'service.name')).toBe('billing');
    expect(value(charge, 'process.runtime.name')).toBe('cpython');
  });

  it('marks segments: no parent, a remote parent (from the flags), or a server span when the flags do not say', () => {
    const HAS_IS_REMOTE = 0x100;
    const IS_REMOTE = 0x200;
    const parent = { parentSpanId: hex('9999999999999999') };
    const items = spanItems(
      convertTraces(
        traces([
          {
            spans: [
              span('root', '1111111111111111'),
              span('remote parent, internal', '2222222222222222', { ...parent, flags: HAS_IS_REMOTE | IS_REMOTE | 1 }),
              span('local parent, server', '3333333333333333', { ...parent, flags: HAS_IS_REMOTE | 1, kind: SpanKind.SERVER }),
              span('no flags, server', '4444444444444444', { ...parent, kind: SpanKind.SERVER }),
              span('no flags, client', '5555555555555555', { ...parent, kind: SpanKind.CLIENT }),
              span('zero parent', '6666666666666666', { parentSpanId: hex('0000000000000000') }),
            ],
          },
        ]),
        1000,
      ).envelopes,
    );
    expect(items.map((i) => [i.name, i.is_segment])).toEqual([
      ['root', true],
      ['remote parent, internal', true],
      ['local parent, server', false],
      ['no flags, server', true],
      ['no flags, client', false],
      ['zero parent', true],
    ]);
    expect(items[5]?.parent_span_id).toBeUndefined();
  });

  it("names each span's segment when it came in the same request, and survives parents that loop", () => {
    const items = spanItems(
      convertTraces(
        traces([
          {
            spans: [
              span('leaf', '3333333333333333', { parentSpanId: hex('2222222222222222') }),
              span('middle', '2222222222222222', { parentSpanId: hex('1111111111111111') }),
              span('GET /orders', '1111111111111111', { kind: SpanKind.SERVER }),
              span('loop a', 'aaaaaaaaaaaaaaaa', { parentSpanId: hex('bbbbbbbbbbbbbbbb') }),
              span('loop b', 'bbbbbbbbbbbbbbbb', { parentSpanId: hex('aaaaaaaaaaaaaaaa') }),
            ],
          },
        ]),
        1000,
      ).envelopes,
    );
    expect(items.map((i) => [i.name, value(i, 'sentry.segment.id'), value(i, 'sentry.segment.name')])).toEqual([
      ['leaf', '1111111111111111', 'GET /orders'],
      ['middle', '1111111111111111', 'GET /orders'],
      ['GET /orders', undefined, undefined],
      ['loop a', undefined, undefined],
      ['loop b', undefined, undefined],
    ]);
  });

  it('walks a long parent chain without a segment once per span (untrusted input)', () => {
    // Each span's parent is the next one, and the last one's parent never arrived: walking each
    // span's whole chain again would take 20,000² steps, and this test its timeout.
    const count = 20_000;
    const id = (i: number) => (i + 1).toString(16).padStart(16, '0');
    const spans = Array.from({ length: count }, (_, i) =>
      span(`s${i}`, id(i), { parentSpanId: hex(id(i + 1)), kind: SpanKind.INTERNAL, flags: 0x100 }),
    );
    const items = spanItems(convertTraces(traces([{ spans }]), 1000).envelopes);
    expect(items).toHaveLength(count);
    expect(items.some((i) => i.is_segment || value(i, 'sentry.segment.id') !== undefined)).toBe(false);
  });

  it('keeps every attribute value visible: arrays typed, mixed and nested ones and maps as JSON, odd keys as keys', () => {
    const nested: AnyValue = { type: 'array', value: [str('a'), { type: 'int', value: 1n }] };
    const [item] = spanItems(
      convertTraces(
        traces([
          {
            spans: [
              span('attributes', '1111111111111111', {
                attributes: [
                  kv('flag', { type: 'bool', value: true }),
                  kv('ratio', { type: 'double', value: 0.25 }),
                  kv('nan', { type: 'double', value: Number.NaN }),
                  kv('huge', { type: 'int', value: 2n ** 63n - 1n }),
                  kv('raw', { type: 'bytes', value: Uint8Array.of(1, 2, 3) }),
                  kv('tags', { type: 'array', value: [str('x'), str('y')] }),
                  kv('mixed', nested),
                  { key: 'empty', value: EMPTY_VALUE },
                  kv('__proto__', str('not a prototype')),
                  kv('sentry.op', str('cache.get')),
                ],
              }),
            ],
          },
        ]),
        1000,
      ).envelopes,
    );
    const attributes = item?.attributes as Json;
    expect(attributes.flag).toEqual({ type: 'boolean', value: true });
    expect(attributes.ratio).toEqual({ type: 'double', value: 0.25 });
    expect(attributes.nan).toEqual({ type: 'string', value: 'NaN' });
    expect(attributes.huge).toEqual({ type: 'string', value: '9223372036854775807' });
    expect(attributes.raw).toEqual({ type: 'string', value: 'AQID' });
    expect(attributes.tags).toEqual({ type: 'array', value: ['x', 'y'] });
    expect(attributes.mixed).toEqual({ type: 'string', value: '["a",1]' });
    expect('empty' in attributes).toBe(false);
    expect(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value).toEqual({ type: 'string', value: 'not a prototype' });
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    // What the SDK set wins over what the sidecar would infer.
    expect(attributes['sentry.op']).toEqual({ type: 'string', value: 'cache.get' });
  });

  it('carries links, dropped counts and events; an exception without a stack still becomes an error', () => {
    const conversion = convertTraces(
      traces([
        {
          attributes: [kv('telemetry.sdk.language', str('go'))],
          spans: [
            span('linked', '1111111111111111', {
              links: [
                {
                  traceId: hex('0102030405060708090a0b0c0d0e0f10'),
                  spanId: hex('0102030405060708'),
                  flags: 0x101,
                  attributes: [kv('link.kind', str('batch'))],
                },
                { traceId: hex('01'), spanId: hex('0102030405060708') },
              ],
              droppedAttributesCount: 2,
              droppedLinksCount: 1,
              events: [
                {
                  name: 'exception',
                  timeUnixNano: 1_700_000_000_100_000_000n,
                  attributes: [kv('exception.message', str('connection reset')), kv('exception.escaped', { type: 'bool', value: true })],
                },
              ],
            }),
          ],
        },
      ]),
      1000,
    );
    const [item] = spanItems(conversion.envelopes);
    expect(item?.links).toEqual([
      {
        trace_id: '0102030405060708090a0b0c0d0e0f10',
        span_id: '0102030405060708',
        sampled: true,
        attributes: { 'link.kind': { type: 'string', value: 'batch' } },
      },
    ]);
    expect(value(item, 'otel.dropped_attributes_count')).toBe(2);
    expect(value(item, 'otel.dropped_links_count')).toBe(1);
    expect(JSON.parse(value(item, 'otel.events') as string)).toEqual([
      { name: 'exception', timestamp: 1700000000.1, attributes: { 'exception.message': 'connection reset', 'exception.escaped': true } },
    ]);
    const event = conversion.envelopes.map(({ envelope }) => read(envelope)).find((e) => e.items[0]?.[0].type === 'event');
    expect(event?.items[0]?.[1]).toMatchObject({
      platform: 'go',
      timestamp: 1700000000.1,
      transaction: 'linked',
      exception: { values: [{ type: 'Error', value: 'connection reset', mechanism: { type: 'otlp', handled: false } }] },
    });
  });

  it('gives the same error event the same id when an exporter retries the batch', () => {
    const request = traces([
      { spans: [span('retried', '1111111111111111', { events: [{ name: 'exception', attributes: [kv('exception.type', str('E'))] }] })] },
    ]);
    const ids = [convertTraces(request, 1000), convertTraces(request, 1000)].map(
      (c) => c.envelopes.map(({ envelope }) => envelope.header.event_id).filter(Boolean)[0],
    );
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('splits a big batch into containers of 1000 spans, and envelopes of at most --max-items items', () => {
    const spans = Array.from({ length: 2500 }, (_, i) => span(`s${i}`, (i + 1).toString(16).padStart(16, '0')));
    const conversion = convertTraces(traces([{ spans }]), 2);
    const envelopes = conversion.envelopes.map(({ envelope, records }) => [read(envelope).items.map(([h]) => h.item_count), records]);
    expect(envelopes).toEqual([
      [[1000, 1000], 2000],
      [[500], 500],
    ]);
    expect(spanItems(conversion.envelopes)).toHaveLength(2500);
  });
});

describe('convertLogs', () => {
  it('maps severity by number, else by text; bodies of any type; invalid ids are dropped, not the record', () => {
    const conversion = convertLogs(
      fill(LOGS_REQUEST, {
        resourceLogs: [
          {
            resource: { attributes: [kv('service.name', str('worker')), kv('service.version', str('3.1.0'))] },
            scopeLogs: [
              {
                scope: { name: 'app.jobs', version: '1', attributes: [kv('library.flavor', str('slog'))] },
                logRecords: [
                  {
                    severityNumber: 21,
                    body: str('disk full'),
                    eventName: 'disk.alert',
                    attributes: [kv('job.id', str('j-1')), kv('service.version', str('3.1.1-hotfix'))],
                  },
                  { severityText: 'WARNING', body: { type: 'kvlist', value: [kv('job', str('resize'))] } },
                  { severityText: 'whatever', traceId: hex('0102'), spanId: hex('0102030405060708') },
                  { observedTimeUnixNano: 1_700_000_000_500_000_000n, body: { type: 'int', value: 42n } },
                ],
              },
            ],
          },
        ],
      }),
      1000,
    );
    expect(conversion.rejected).toBe(0);
    const { header, items } = read(conversion.envelopes[0]?.envelope as Envelope);
    expect(header).toEqual({ sdk: { name: 'otlp' } });
    const logs = items[0]?.[1].items as Json[];
    expect(logs.map((l) => [l.level, l.severity_number, l.body])).toEqual([
      ['fatal', 21, 'disk full'],
      ['warn', undefined, '{"job":"resize"}'],
      ['info', undefined, ''],
      ['info', undefined, '42'],
    ]);
    expect(logs[2]?.trace_id).toBeUndefined();
    expect(logs[2]?.span_id).toBe('0102030405060708');
    expect(logs[3]?.timestamp).toBe(1700000000.5);
    expect(value(logs[0], 'event.name')).toBe('disk.alert');
    expect(value(logs[0], 'otel.scope.name')).toBe('app.jobs');
    expect(value(logs[0], 'otel.scope.library.flavor')).toBe('slog');
    expect(value(logs[0], 'sentry.release')).toBe('3.1.0');
    // The record's own attributes come first (viewers show them in order) and win over its service's.
    expect(Object.keys(logs[0]?.attributes as Json).slice(0, 2)).toEqual(['job.id', 'service.version']);
    expect(value(logs[0], 'service.version')).toBe('3.1.1-hotfix');
    expect(value(logs[0], 'service.name')).toBe('worker');
    expect(value(logs[0], 'sentry.origin')).toBe('auto.otlp.logs');
  });
});
