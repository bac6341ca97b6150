import type { EnvelopeStore } from '../envelopeStore.ts';
import type { Middleware } from '../middleware/types.ts';
import type { ViewerHub } from '../viewers.ts';
import { sendJson } from './sendJson.ts';

/** `DELETE /clear`: empties the buffer and sends `spotlight.clear` to every viewer. */
export function clear(store: EnvelopeStore, viewers: ViewerHub): Middleware {
  return (_req, res) => {
    const cleared = store.size;
    store.clear();
    viewers.cleared();
    sendJson(res, 200, { cleared });
  };
}
