import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Envelope, itemJson, parseEnvelope } from '@spotlight/envelope';

/**
 * The receiving end of the sidecar's ingest contract (`POST /stream` -> 200 {"id"}), recording what arrives,
 * so a middleware test can assert the exact envelope it sent. The e2e suite runs the real sidecar.
 */
export interface EnvelopeRecorder {
  readonly url: string;
  readonly envelopes: Envelope[];
  /** Resolves with the first recorded event payload matching `eventId` (or the first one at all). */
  nextEvent(eventId?: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startEnvelopeRecorder(): Promise<EnvelopeRecorder> {
  const envelopes: Envelope[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/stream') {
        res.writeHead(404).end();
        return;
      }
      envelopes.push(parseEnvelope(new Uint8Array(Buffer.concat(chunks))));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: String(envelopes.length) }));
      for (const wake of waiters.splice(0)) wake();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const findEvent = (eventId?: string): Record<string, unknown> | undefined => {
    for (const envelope of envelopes) {
      for (const item of envelope.items) {
        if (item.header.type !== 'event') continue;
        const event = itemJson(item) as Record<string, unknown>;
        if (eventId === undefined || event.event_id === eventId) return event;
      }
    }
    return undefined;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    envelopes,
    async nextEvent(eventId) {
      for (let attempt = 0; attempt < 100; attempt++) {
        const found = findEvent(eventId);
        if (found) return found;
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      throw new Error(`no event ${eventId ?? ''} arrived; got ${envelopes.length} envelopes`);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
