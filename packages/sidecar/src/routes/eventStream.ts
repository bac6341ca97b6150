import type { RequestHandler } from 'express';
import { HttpError } from '../httpError.ts';
import { openingFrame } from '../sseFrames.ts';
import type { ViewerHub } from '../viewers.ts';

/** How long a disconnected EventSource waits before it reconnects. */
const RETRY_MS = 1000;

/**
 * `GET /stream`: Server-Sent Events. Headers go out at once; then the buffer (after Last-Event-ID,
 * from the header an EventSource sends on reconnect or a `lastEventId` query parameter), then live
 * envelopes. Format: see the README.
 */
export function eventStream(viewers: ViewerHub, maxViewers: number): RequestHandler {
  return (req, res) => {
    if (viewers.isFull) {
      throw new HttpError(503, `too many viewers: ${maxViewers} are connected (--max-viewers); close one and retry`, {
        'Retry-After': '5',
      });
    }
    const header = req.headers['last-event-id'];
    const query = req.query.lastEventId;
    const lastEventId =
      typeof header === 'string' && header !== '' ? header : typeof query === 'string' && query !== '' ? query : undefined;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back.
      'X-Accel-Buffering': 'no',
    });
    res.write(openingFrame(RETRY_MS));
    req.socket.setNoDelay(true);
    viewers.add(res, lastEventId);
  };
}
