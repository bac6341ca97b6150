import { type EnvelopeSource, serializeEnvelope } from '@spotlight/envelope';
import { badRequest } from '../httpError.ts';
import type { Ingest } from '../ingest.ts';
import type { Logger } from '../logger.ts';
import { convertLogs } from './convertLogs.ts';
import { convertTraces } from './convertSpans.ts';
import { decodeLogs, decodeTraces, type OtlpFormat } from './decode.ts';
import { OtlpDecodeError } from './decodeError.ts';
import { reject, rejectionMessage } from './envelopes.ts';
import { exportResponse, type OtlpAnswer, type OtlpSignal } from './response.ts';

// What the OTLP routes load with their first request (route.ts imports this module dynamically):
// the decoder, its wire reader and the converters must not weigh on the sidecar's cold start.
// Refusals are written by statusResponse, from this chunk too.
export { statusResponse } from './response.ts';

export interface ExportDeps {
  readonly ingest: Ingest;
  readonly maxItems: number;
  readonly log: Logger;
}

/** The decoded request; a body that is not one is a 400 with the decoder's reason. */
function decoded<T>(decode: (body: Uint8Array, format: OtlpFormat) => T, body: Uint8Array, format: OtlpFormat): T {
  try {
    return decode(body, format);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw badRequest(error.message);
    throw error;
  }
}

/**
 * Decodes an OTLP export request (throws a 400 HttpError when it is not one), converts it, sends
 * every envelope it makes down the one ingest path SDK envelopes take (stored, streamed to viewers,
 * forwarded), and answers with the export response: partial success when some records were refused.
 */
export function processExport(
  signal: OtlpSignal,
  format: OtlpFormat,
  body: Uint8Array,
  source: EnvelopeSource,
  deps: ExportDeps,
): OtlpAnswer {
  const conversion =
    signal === 'traces'
      ? convertTraces(decoded(decodeTraces, body, format), deps.maxItems)
      : convertLogs(decoded(decodeLogs, body, format), deps.maxItems);
  for (const { envelope, records } of conversion.envelopes) {
    try {
      deps.ingest(serializeEnvelope(envelope), source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.log.error(`could not store an envelope converted from OTLP ${signal}: ${reason}`);
      reject(conversion, `could not store them: ${reason}`, records);
    }
  }
  const noun = signal === 'traces' ? 'span' : 'log record';
  return exportResponse(signal, format, conversion.rejected, conversion.rejected > 0 ? rejectionMessage(conversion, noun) : '');
}
