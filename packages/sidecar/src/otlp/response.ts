import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { OtlpFormat } from './decode.ts';
import { ExportLogsServiceResponseSchema } from './proto/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import { ExportTraceServiceResponseSchema } from './proto/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts';

export type OtlpSignal = 'traces' | 'logs';

/** An answer's body and its content type, in the encoding of the request. */
export interface OtlpAnswer {
  readonly contentType: string;
  readonly body: Uint8Array;
}

export const CONTENT_TYPES: Readonly<Record<OtlpFormat, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

function answer(format: OtlpFormat, binary: () => Uint8Array, json: () => unknown): OtlpAnswer {
  return {
    contentType: CONTENT_TYPES[format],
    body: format === 'protobuf' ? binary() : Buffer.from(JSON.stringify(json())),
  };
}

/**
 * `ExportTraceServiceResponse` or `ExportLogsServiceResponse`: empty when everything was accepted
 * (the specification wants `partial_success` unset then), else the number refused and why.
 */
export function exportResponse(signal: OtlpSignal, format: OtlpFormat, rejected: number, errorMessage: string): OtlpAnswer {
  if (signal === 'traces') {
    const message = create(ExportTraceServiceResponseSchema, {
      partialSuccess: rejected > 0 ? { rejectedSpans: BigInt(rejected), errorMessage } : undefined,
    });
    return answer(
      format,
      () => toBinary(ExportTraceServiceResponseSchema, message),
      () => toJson(ExportTraceServiceResponseSchema, message),
    );
  }
  const message = create(ExportLogsServiceResponseSchema, {
    partialSuccess: rejected > 0 ? { rejectedLogRecords: BigInt(rejected), errorMessage } : undefined,
  });
  return answer(
    format,
    () => toBinary(ExportLogsServiceResponseSchema, message),
    () => toJson(ExportLogsServiceResponseSchema, message),
  );
}

/**
 * The body of a 4xx answer on an OTLP route: a `google.rpc.Status` whose `message` (field 2) says
 * what was wrong, as the specification asks (its `code` may be left out, and is). Written with the
 * library's wire writer: the one message the OTLP protos do not define.
 */
export function statusResponse(format: OtlpFormat, message: string): OtlpAnswer {
  return answer(
    format,
    () => new BinaryWriter().tag(2, WireType.LengthDelimited).string(message).finish(),
    () => ({ message }),
  );
}
