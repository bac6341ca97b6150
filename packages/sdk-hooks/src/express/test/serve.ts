import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** A real Express app on a free loopback port. */
export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The `window.__spotlight.initOptions` a page seeds, read back from its HTML. */
export function initOptionsOf(html: string): Record<string, unknown> {
  const match = /initOptions: (\{.*?\}) \}\);<\/script>/.exec(html);
  if (!match?.[1]) throw new Error(`no initOptions in:\n${html}`);
  return JSON.parse(match[1]) as Record<string, unknown>;
}
