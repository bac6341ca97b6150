import { type DescMessage, fromBinary, fromJson, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import { badRequest } from '../httpError.ts';
import {
  type ExportLogsServiceRequest,
  ExportLogsServiceRequestSchema,
} from './proto/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
} from './proto/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts';

/** How an OTLP/HTTP body is encoded, from its Content-Type. */
export type OtlpFormat = 'protobuf' | 'json';

/** Deeper messages than this fail the request (AnyValue arrays and lists nest); the library's default. */
const RECURSION_LIMIT = 100;

function decode<Desc extends DescMessage>(
  schema: Desc,
  body: Uint8Array,
  format: OtlpFormat,
  hexIds: (json: unknown) => void,
): MessageShape<Desc> {
  const what = schema.name;
  if (format === 'protobuf') {
    try {
      return fromBinary(schema, body, { readUnknownFields: false, recursionLimit: RECURSION_LIMIT });
    } catch (error) {
      // Reading past the end surfaces as the wire reader's EOF or as a DataView's RangeError.
      const truncated = error instanceof RangeError || (error instanceof Error && /premature EOF/i.test(error.message));
      throw badRequest(`malformed protobuf ${what}: ${truncated ? `it ends inside a field (${reason(error)})` : reason(error)}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw badRequest(`malformed JSON ${what}: ${reason(error)}`);
  }
  hexIds(json);
  try {
    // Unknown fields are ignored, as the OTLP specification requires of receivers.
    return fromJson(schema, json as JsonValue, { ignoreUnknownFields: true, recursionLimit: RECURSION_LIMIT });
  } catch (error) {
    throw badRequest(`malformed JSON ${what}: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 300);
}

export function decodeTraces(body: Uint8Array, format: OtlpFormat): ExportTraceServiceRequest {
  return decode(ExportTraceServiceRequestSchema, body, format, (json) => {
    const spans = children(children(children([{ value: json, at: '' }], 'resourceSpans'), 'scopeSpans'), 'spans');
    for (const span of spans) hexToBase64(span, ['traceId', 'spanId', 'parentSpanId']);
    for (const link of children(spans, 'links')) hexToBase64(link, ['traceId', 'spanId']);
  });
}

export function decodeLogs(body: Uint8Array, format: OtlpFormat): ExportLogsServiceRequest {
  return decode(ExportLogsServiceRequestSchema, body, format, (json) => {
    const records = children(children(children([{ value: json, at: '' }], 'resourceLogs'), 'scopeLogs'), 'logRecords');
    for (const record of records) hexToBase64(record, ['traceId', 'spanId']);
  });
}

type JsonObject = { [key: string]: unknown };
/** A value in the parsed JSON and where it is, for error messages (`resourceSpans[0].scopeSpans[1]`). */
interface Node {
  readonly value: unknown;
  readonly at: string;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
/** The proto field name, which protobuf's JSON mapping accepts as well as the lowerCamelCase one. */
const protoName = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The elements of the array field `camel` of each node. Anything of another shape is left for the
 * decoder, which refuses it with its own reason.
 */
function children(nodes: readonly Node[], camel: string): Node[] {
  const out: Node[] = [];
  for (const { value, at } of nodes) {
    if (!isObject(value)) continue;
    const key = camel in value ? camel : protoName(camel);
    const list = value[key];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) out.push({ value: list[index], at: `${at}${at ? '.' : ''}${key}[${index}]` });
  }
  return out;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * OTLP/JSON writes trace and span ids as hex, where protobuf's JSON mapping (which the decoder
 * follows) expects base64 for bytes: rewrites them in place so the decoder reads the right bytes.
 */
function hexToBase64(node: Node, camelKeys: readonly string[]): void {
  const object = node.value;
  if (!isObject(object)) return;
  for (const camel of camelKeys) {
    for (const key of [camel, protoName(camel)]) {
      const value = object[key];
      if (typeof value !== 'string') continue;
      if (!HEX.test(value)) throw badRequest(`malformed OTLP JSON: ${node.at}.${key} is not hex (${JSON.stringify(value.slice(0, 40))})`);
      object[key] = Buffer.from(value, 'hex').toString('base64');
    }
  }
}
