import { SSE_ENVELOPE_EVENT } from '@spotlight/envelope';
import type { EnvelopeStore } from '../envelopeStore.ts';
import { HttpError } from '../httpError.ts';
import type { Middleware } from '../middleware/types.ts';

/** `GET /envelope/:id`: the envelope's bytes as received, decompressed. */
export function envelopeById(store: EnvelopeStore): Middleware {
  return (req, res) => {
    const id = String(req.params?.id);
    const stored = store.get(id);
    if (!stored) throw new HttpError(404, `no envelope ${JSON.stringify(id.slice(0, 100))} in the buffer (unknown, cleared or evicted)`);
    const bytes = store.bytesOf(stored);
    res.writeHead(200, {
      'Content-Type': SSE_ENVELOPE_EVENT,
      'Content-Length': bytes.byteLength,
      'Cache-Control': 'no-cache',
    });
    res.end(bytes);
  };
}
