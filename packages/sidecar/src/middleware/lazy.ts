import type { Middleware } from './types.ts';

/**
 * A middleware made at its first request, by `load` (which imports what it needs): a large module
 * (the MCP SDK, the overlay's data layer) stays off the cold start. A failed load is tried again
 * by the next request.
 */
export function lazy(load: () => Promise<Middleware>): Middleware {
  let loaded: Promise<Middleware> | undefined;
  return (req, res, next) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    loaded.then((handler) => handler(req, res, next)).catch(next);
  };
}
