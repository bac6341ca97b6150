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

/** `GET /health` (and HEAD), with or without a query string: what SDK hooks ask right after starting a sidecar. */
export function isHealthCheck(method: string | undefined, url: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && url !== undefined && (url === '/health' || url.startsWith('/health?'));
}

/** What the hot path runs, each chain with the guards in front (the same middlewares the Express app mounts). */
export interface HotChains {
  readonly ingest: readonly Middleware[];
  readonly health: readonly Middleware[];
}

/**
 * Sends the ingest routes SDKs hit for every envelope, and the health check they ask first,
 * through their chains (the very middlewares and handlers the Express app has for them, in the
 * same order) without Express's router, whose per-request work costs about as much as storing the
 * envelope, and which need not be loaded yet; everything else goes to `app`. Other spellings of
 * these routes (`/health/`, `/STREAM`) go to `app`, which answers them alike.
 */
export function withHotPath(app: RequestListener, chains: HotChains, onError: ErrorMiddleware): RequestListener {
  return (req, res) => {
    if (isHotIngest(req.method, req.url)) runChain(chains.ingest, onError, req, res);
    else if (isHealthCheck(req.method, req.url)) runChain(chains.health, onError, req, res);
    else app(req, res);
  };
}
