import { sseFrame } from '@spotlight/envelope';
import { HttpError } from '../httpError.ts';
import type { Middleware, SidecarRequest } from '../middleware/types.ts';
import type { ViewerHub } from '../viewers.ts';

/** How long a disconnected EventSource waits before it reconnects. */
const RETRY_MS = 1000;

/**
 * `GET /stream`: Server-Sent Events. Headers go out at once; then the buffer (after Last-Event-ID),
 * then live envelopes. Format: see the README.
 */
export function eventStream(viewers: ViewerHub, maxViewers: number): Middleware {
  return (req, res) => {
    if (viewers.isFull) {
      throw new HttpError(503, `too many viewers: ${maxViewers} are connected (--max-viewers); close one and retry`, {
        'Retry-After': '5',
      });
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back.
      'X-Accel-Buffering': 'no',
    });
    res.write(sseFrame({ retry: RETRY_MS }));
    req.socket.setNoDelay(true);
    viewers.add(res, lastEventId(req));
  };
}

/** The header an EventSource sends when it reconnects, or a `lastEventId` query parameter (for clients that cannot set headers). */
function lastEventId(req: SidecarRequest): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header;
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('lastEventId');
  return query === null || query === '' ? undefined : query;
}
