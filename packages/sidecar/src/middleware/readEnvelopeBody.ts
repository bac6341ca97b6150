import { parseContentEncoding } from '../contentEncoding.ts';
import { HttpError } from '../httpError.ts';
import { type BodyLimits, readBody } from '../readBody.ts';
import type { Middleware, SidecarRequest } from './types.ts';

/**
 * Content types an envelope may arrive with: its own, `text/plain` (browser SDKs use it to avoid a
 * preflight), `application/octet-stream`, none, `application/json` (some clients label everything
 * so) and `application/x-www-form-urlencoded` (what `curl --data-binary` sends unless told otherwise).
 */
export const ENVELOPE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/x-sentry-envelope',
  'text/plain',
  'application/octet-stream',
  'application/json',
  'application/x-www-form-urlencoded',
  '',
]);

/** The legacy store endpoint takes a JSON event. */
export const STORE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  '',
]);

function mediaType(header: string | undefined): string {
  if (header === undefined) return '';
  const semicolon = header.indexOf(';');
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * Reads the request body (checking content type, encoding and sizes) into `req.body`, a Buffer of
 * the decompressed bytes, as Express's body parsers do. Those parsers are not used: they buffer
 * before checking, and cannot count a decompression bomb's output or decode zstd.
 */
export function readEnvelopeBody(limits: BodyLimits, contentTypes: ReadonlySet<string>): Middleware {
  const accepted = [...contentTypes].filter((t) => t !== '').join(', ');
  return (req, _res, next) => {
    const type = mediaType(req.headers['content-type']);
    if (!contentTypes.has(type)) {
      next(new HttpError(415, `Content-Type "${type.slice(0, 100)}" is not accepted here; send ${accepted} or none`));
      return;
    }
    let encoding: ReturnType<typeof parseContentEncoding>;
    try {
      encoding = parseContentEncoding(req.headers['content-encoding']);
    } catch (error) {
      next(error);
      return;
    }
    readBody(req, encoding, limits).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}

/** The body readEnvelopeBody read; a route that uses it must be mounted after it. */
export function bodyOf(req: SidecarRequest): Buffer {
  if (!req.body) throw new Error('readEnvelopeBody must run before this handler');
  return req.body;
}
