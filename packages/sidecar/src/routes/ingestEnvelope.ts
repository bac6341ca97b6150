import { inferSource } from '../inferSource.ts';
import type { Ingest } from '../ingest.ts';
import { bodyOf } from '../middleware/readEnvelopeBody.ts';
import type { Middleware } from '../middleware/types.ts';
import { sendJson } from './sendJson.ts';

/**
 * `POST /stream` (the SDKs' `spotlight` option) and `POST /api/:projectId/envelope/` (a DSN that
 * points at the sidecar), after readEnvelopeBody: stores the envelope and answers `{"id": ...}` at
 * once, so SDKs never back off. A bad envelope throws EnvelopeParseError: errorHandler answers 400.
 */
export function ingestEnvelope(ingest: Ingest): Middleware {
  return (req, res) => {
    const { id } = ingest(bodyOf(req), inferSource(req.headers), req.headers.origin);
    sendJson(res, 200, { id });
  };
}
