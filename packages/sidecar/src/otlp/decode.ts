import { DEFAULT_DECODE_LIMITS, type DecodeLimits, OtlpDecodeError } from './decodeError.ts';
import { readJson } from './json.ts';
import type { ExportLogsServiceRequest, ExportTraceServiceRequest } from './model.ts';
import { readProtobuf } from './protobuf.ts';
import { LOGS_REQUEST, type MessageSchema, TRACES_REQUEST } from './schema.ts';

/** How an OTLP/HTTP body is encoded, from its Content-Type. */
export type OtlpFormat = 'protobuf' | 'json';

function decode<T>(schema: MessageSchema<T>, body: Uint8Array, format: OtlpFormat, limits: DecodeLimits): T {
  if (format === 'protobuf') return readProtobuf(schema, body, limits);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`malformed JSON ${schema.name}: ${(message.split('\n')[0] ?? '').slice(0, 200)}`);
  }
  return readJson(schema, json, limits);
}

/** An OTLP/HTTP `POST /v1/traces` body. Throws an OtlpDecodeError with the reason when it is not one. */
export function decodeTraces(body: Uint8Array, format: OtlpFormat, limits = DEFAULT_DECODE_LIMITS): ExportTraceServiceRequest {
  return decode(TRACES_REQUEST, body, format, limits);
}

/** An OTLP/HTTP `POST /v1/logs` body. Throws an OtlpDecodeError with the reason when it is not one. */
export function decodeLogs(body: Uint8Array, format: OtlpFormat, limits = DEFAULT_DECODE_LIMITS): ExportLogsServiceRequest {
  return decode(LOGS_REQUEST, body, format, limits);
}
