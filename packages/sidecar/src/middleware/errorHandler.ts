import { EnvelopeParseError } from '@spotlight/envelope';
import { HttpError } from '../httpError.ts';
import type { Logger } from '../logger.ts';
import { BodyAbortedError, discardRest } from '../readBody.ts';
import type { ErrorMiddleware } from './types.ts';

/** Maps a thrown error to a status and a one-line reason. Bad input is never a 500. */
function classify(error: unknown): { status: number; message: string; headers?: Readonly<Record<string, string>> } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, headers: error.headers };
  if (error instanceof EnvelopeParseError) {
    return { status: error.code === 'too_many_items' ? 413 : 400, message: `bad envelope: ${error.message}` };
  }
  // Errors raised by Express itself for bad requests (an undecodable path) carry their status.
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: error instanceof Error ? (error.message.split('\n')[0] ?? 'bad request') : 'bad request' };
  }
  return { status: 500, message: 'internal error (see the sidecar log)' };
}

/**
 * The last middleware: answers refusals as `text/plain` one-liners, logs them at debug level (and
 * real failures always), and drops what is left of a refused request's body.
 */
export function errorHandler(log: Logger, discardLimitBytes: number): ErrorMiddleware {
  return (error, req, res, _next) => {
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
    if (error instanceof BodyAbortedError) {
      res.destroy();
      return;
    }
    const { status, message, headers } = classify(error);
    if (status >= 500) log.error(`${req.method} ${url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    else log.debug(`${req.method} ${url} -> ${status}: ${message}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    discardRest(req, res, discardLimitBytes);
    const body = `${message.replace(/[\r\n]+/g, ' ')}\n`;
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  };
}
