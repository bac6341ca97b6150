import { inferSource } from '../inferSource.ts';
import type { Ingest } from '../ingest.ts';
import { legacyEventToEnvelope } from '../legacyStore.ts';
import { bodyOf } from '../middleware/readEnvelopeBody.ts';
import type { Middleware } from '../middleware/types.ts';
import { sendJson } from './sendJson.ts';

/** `POST /api/:projectId/store/`: a legacy JSON event, stored as an envelope with one event item. */
export function storeEvent(ingest: Ingest): Middleware {
  return (req, res) => {
    const { id } = ingest(legacyEventToEnvelope(bodyOf(req)), inferSource(req.headers));
    sendJson(res, 200, { id });
  };
}
