import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  readonly port: number;
  readonly url: string;
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[];
  /** Sockets accepted, including those that never sent a request. */
  connections(): number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1, a free port, that records requests and answers with `handle`. */
export async function startServer(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A stand-in sidecar: answers /health like Spotlight and accepts envelopes on /stream. */
export function fakeSidecar(): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-powered-by': 'spotlight-by-sentry' });
      res.end(JSON.stringify({ name: 'spotlight', pid: process.pid }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"1"}');
  });
}

/** A free port nobody listens on (bound then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
