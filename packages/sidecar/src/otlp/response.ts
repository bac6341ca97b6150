import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { OtlpFormat } from './decode.ts';

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

/** The partial-success counter's name, per signal (`ExportTracePartialSuccess`, `ExportLogsPartialSuccess`). */
const REJECTED: Readonly<Record<OtlpSignal, string>> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords' };

/**
 * `ExportTraceServiceResponse` or `ExportLogsServiceResponse`: empty when everything was accepted
 * (the specification wants `partial_success` unset then), else `partial_success` (field 1) with the
 * number refused (field 1, int64) and why (field 2). In JSON, the int64 is a string, as protobuf's
 * JSON mapping writes it.
 */
export function exportResponse(signal: OtlpSignal, format: OtlpFormat, rejected: number, errorMessage: string): OtlpAnswer {
  const binary = () => {
    const writer = new BinaryWriter();
    if (rejected === 0) return writer.finish();
    writer.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(rejected);
    if (errorMessage !== '') writer.tag(2, WireType.LengthDelimited).string(errorMessage);
    return writer.join().finish();
  };
  const json = () => {
    if (rejected === 0) return {};
    const partialSuccess: Record<string, string> = { [REJECTED[signal]]: String(rejected) };
    if (errorMessage !== '') partialSuccess.errorMessage = errorMessage;
    return { partialSuccess };
  };
  return answer(format, binary, json);
}

/**
 * The body of a 4xx answer on an OTLP route: a `google.rpc.Status` whose `message` (field 2) says
 * what was wrong, as the specification asks (its `code` may be left out, and is).
 */
export function statusResponse(format: OtlpFormat, message: string): OtlpAnswer {
  return answer(
    format,
    () => new BinaryWriter().tag(2, WireType.LengthDelimited).string(message).finish(),
    () => ({ message }),
  );
}
