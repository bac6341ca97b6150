import type { EnvelopeStore } from '../envelopeStore.ts';
import { lazy } from '../middleware/lazy.ts';
import type { Middleware } from '../middleware/types.ts';
import type { ViewerHub } from '../viewers.ts';

/**
 * `/mcp` (any method). The MCP SDK takes hundreds of milliseconds to load: it is loaded at the first
 * request to this route, never at start-up. The guards in front of every route (Host, Origin,
 * Sec-Fetch-Site) run before this.
 */
export function mcpRoute(store: EnvelopeStore, viewers: ViewerHub): Middleware {
  return lazy(async () => {
    const { createMcpHttpHandler } = await import('./http.ts');
    const handle = createMcpHttpHandler(store, viewers);
    return (req, res) => handle(req, res);
  });
}
