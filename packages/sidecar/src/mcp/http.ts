import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { EnvelopeStore } from '../envelopeStore.ts';
import { createStoreView } from '../view/envelopes.ts';
import type { ViewerHub } from '../viewers.ts';
import { createMcpServer } from './server.ts';
import type { ToolData } from './tools.ts';

/** MCP requests are a few hundred bytes of JSON-RPC; nothing an agent sends comes near this. */
export const MAX_MCP_BODY_BYTES = 1024 * 1024;
/** How often wait_for_error looks for new envelopes. */
const WAIT_POLL_MS = 100;

/** The tools' view of a sidecar's buffer. */
export function sidecarToolData(store: EnvelopeStore, viewers: ViewerHub, now: () => number = Date.now): ToolData {
  const view = createStoreView(store);
  return {
    envelopes: () => view.envelopes(),
    mark: () => store.endSeq,
    since: (mark) => view.from(mark),
    async waitForNew(mark, ms, signal) {
      // Polling a number is simpler than a listener list in the ingest path, and costs nothing there.
      const deadline = now() + ms;
      while (store.endSeq <= mark && now() < deadline && !signal?.aborted) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, Math.max(1, deadline - now()))));
      }
    },
    clear() {
      const cleared = store.size;
      store.clear();
      viewers.cleared();
      return cleared;
    },
    now,
  };
}

/**
 * `/mcp`: MCP's Streamable HTTP transport, stateless: each POST gets a server of its own, answered with
 * JSON (a wait_for_error call holds its request open until it answers). There is no server-to-client
 * stream to offer, so GET and DELETE are 405, as the transport's specification allows.
 */
export function createMcpHttpHandler(
  store: EnvelopeStore,
  viewers: ViewerHub,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const data = sidecarToolData(store, viewers);
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('this MCP endpoint is stateless: POST JSON-RPC messages to it\n');
      return;
    }
    const server = createMcpServer(data);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_MCP_BODY_BYTES,
    });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
}
