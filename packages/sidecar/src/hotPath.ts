import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorMiddleware, Middleware, Next } from './middleware/types.ts';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** `POST /stream` and `POST /api/<project>/envelope[/]`, with or without a query string. */
const HOT_INGEST = /^\/(?:stream|api\/[^/?]+\/envelope\/?)(?:\?.*)?$/;

export function isHotIngest(method: string | undefined, url: string | undefined): boolean {
  return method === 'POST' && url !== undefined && HOT_INGEST.test(url);
}

/**
 * Runs middlewares in order the way Express does: `next()` goes on, `next(error)`, a throw or a
 * rejected promise goes to `onError`.
 */
export function runChain(chain: readonly Middleware[], onError: ErrorMiddleware, req: IncomingMessage, res: ServerResponse): void {
  let index = 0;
  const fail = (error: unknown) => onError(error, req, res, () => {});
  const next: Next = (error) => {
    if (error !== undefined && error !== null) {
      fail(error);
      return;
    }
    const middleware = chain[index++];
    if (!middleware) return;
    try {
      const result: unknown = middleware(req, res, next);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
  next();
}

/**
 * Sends the ingest routes SDKs hit for every envelope through `chain` (the very middlewares and
 * handler the Express app has for them, in the same order) without Express's router, whose
 * per-request work costs about as much as storing the envelope; everything else goes to `app`.
 */
export function withHotPath(app: RequestListener, chain: readonly Middleware[], onError: ErrorMiddleware): RequestListener {
  return (req, res) => {
    if (isHotIngest(req.method, req.url)) runChain(chain, onError, req, res);
    else app(req, res);
  };
}
