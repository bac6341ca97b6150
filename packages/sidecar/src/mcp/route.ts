import type { RequestHandler } from 'express';
import type { EnvelopeStore } from '../envelopeStore.ts';
import type { ViewerHub } from '../viewers.ts';

/**
 * `/mcp` (any method). The MCP SDK takes hundreds of milliseconds to load: it is loaded at the first
 * request to this route, never at start-up. The guards in front of every route (Host, Origin,
 * Sec-Fetch-Site) run before this.
 */
export function mcpRoute(store: EnvelopeStore, viewers: ViewerHub): RequestHandler {
  let handler: Promise<(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<void>> | undefined;
  return (req, res, next) => {
    handler ??= import('./http.ts').then(({ createMcpHttpHandler }) => createMcpHttpHandler(store, viewers));
    handler.then(
      (handle) => handle(req, res).catch(next),
      (error: unknown) => {
        handler = undefined; // the next request tries again
        next(error);
      },
    );
  };
}
