import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseContentEncoding } from '../contentEncoding.ts';
import { HttpError } from '../httpError.ts';
import { inferSource } from '../inferSource.ts';
import type { Ingest } from '../ingest.ts';
import type { Logger } from '../logger.ts';
import type { Middleware } from '../middleware/types.ts';
import { BodyAbortedError, type BodyLimits, discardRest, readBody } from '../readBody.ts';
import type { OtlpFormat } from './decode.ts';
import type { OtlpAnswer, OtlpSignal } from './response.ts';

export interface OtlpRouteDeps {
  readonly ingest: Ingest;
  /** The same body limits as the envelope routes (--max-body-bytes, --max-decompressed-bytes). */
  readonly limits: BodyLimits;
  /** Items per converted envelope (--max-items). */
  readonly maxItems: number;
  readonly log: Logger;
}

/** OTLP/HTTP's two encodings (`application/protobuf` is what some clients call the first). */
const FORMATS: Readonly<Record<string, OtlpFormat>> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

function formatOf(req: IncomingMessage): OtlpFormat | undefined {
  const header = req.headers['content-type'] ?? '';
  return FORMATS[header.split(';', 1)[0]?.trim().toLowerCase() ?? ''];
}

type RefusalDeps = Pick<OtlpRouteDeps, 'limits' | 'log'>;

function send(res: ServerResponse, status: number, answer: OtlpAnswer, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': answer.contentType,
    'Content-Length': answer.body.byteLength,
    'Cache-Control': 'no-store',
  });
  res.end(answer.body);
}

/**
 * Answers a refusal as OTLP/HTTP wants it (a `google.rpc.Status` with the reason, in the request's
 * encoding) and drops the rest of the body; anything that is not a refusal goes to the error middleware.
 */
async function refuse(error: unknown, req: IncomingMessage, res: ServerResponse, format: OtlpFormat, deps: RefusalDeps): Promise<void> {
  if (!(error instanceof HttpError) || error.status >= 500 || res.headersSent) throw error;
  deps.log.debug(`${req.method} ${req.url} -> ${error.status}: ${error.message}`);
  discardRest(req, res, Math.max(deps.limits.maxBodyBytes, 1024 * 1024));
  const { statusResponse } = await import('./export.ts');
  send(res, error.status, statusResponse(format, error.message.replace(/[\r\n]+/g, ' ')), error.headers);
}

/**
 * `POST /v1/traces` and `POST /v1/logs`: an OTLP/HTTP export (protobuf or JSON, compressed or not,
 * within the envelope routes' limits) becomes envelopes as Sentry's SDKs send them, which take the
 * one ingest path. The decoder and converter load with the first export, not with the sidecar.
 */
export function otlpExport(signal: OtlpSignal, deps: OtlpRouteDeps): Middleware {
  return (req, res, next) => {
    const format = formatOf(req);
    if (format === undefined) {
      const type = (req.headers['content-type'] ?? '').slice(0, 100);
      next(
        new HttpError(
          415,
          `Content-Type "${type}" is not accepted on /v1/${signal}; send application/x-protobuf or application/json (OTLP/HTTP)`,
        ),
      );
      return;
    }
    const handle = async () => {
      try {
        const encoding = parseContentEncoding(req.headers['content-encoding']);
        // Loaded first (the body waits in its stream meanwhile): the body may be a view into a
        // transient buffer, so nothing that lets I/O run may come between reading and using it.
        const { processExport } = await import('./export.ts');
        if (req.destroyed) throw new BodyAbortedError('the request ended before its body');
        const body = await readBody(req, encoding, deps.limits);
        send(res, 200, processExport(signal, format, body, inferSource(req.headers), deps));
      } catch (error) {
        await refuse(error, req, res, format, deps);
      }
    };
    handle().catch(next);
  };
}

/**
 * `POST /v1/metrics`: exporters configured with `OTEL_EXPORTER_OTLP_ENDPOINT` send metrics too.
 * Spotlight shows none; a 404 whose reason says how to stop them beats a silent drop.
 */
export function otlpMetrics(deps: RefusalDeps): Middleware {
  return (req, res, next) => {
    const error = new HttpError(
      404,
      'Spotlight shows OTLP traces (/v1/traces) and logs (/v1/logs), not metrics; set OTEL_METRICS_EXPORTER=none (or send metrics elsewhere)',
    );
    const format = formatOf(req);
    if (format === undefined) next(error);
    else refuse(error, req, res, format, deps).catch(next);
  };
}
