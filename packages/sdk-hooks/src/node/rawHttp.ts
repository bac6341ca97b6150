/**
 * A minimal HTTP/1.1 client written on `net`/`tls` sockets. Spotlight's own requests must be invisible
 * to the app's instrumentation: Sentry's SDKs trace and breadcrumb `http.request` and `fetch` (through
 * patches in SDK 8-10, diagnostics channels in 11), and no SDK instruments raw sockets. Otherwise every
 * envelope sent would produce a span about sending it, which would be sent, and so on.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RawRequest {
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Aborts the request (e.g. `AbortSignal.timeout(ms)`); the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Largest response read; more is an error (default 64 KiB: the sidecar answers with small JSON). */
  readonly maxResponseBytes?: number;
}

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class RawHttpError extends Error {
  override readonly name = 'RawHttpError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function rawRequest(target: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(target);
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new RawHttpError(`unsupported protocol ${url.protocol}`));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (secure ? 443 : 80));
  const maxBytes = request.maxResponseBytes ?? 64 * 1024;
  const body = request.body ?? new Uint8Array(0);
  const lines = [
    `${request.method} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: close',
    `Content-Length: ${body.byteLength}`,
    ...Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ];
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

  return new Promise<RawResponse>((resolve, reject) => {
    const signal = request.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const socket: Socket = secure ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });

    const finish = (error: unknown, response?: RawResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (response) resolve(response);
      else reject(error);
    };
    const onAbort = () => finish(signal?.reason ?? new RawHttpError('aborted', 'ABORT_ERR'));
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.write(head);
      if (body.byteLength) socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) {
        finish(new RawHttpError(`response larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
      // Answer as soon as the whole response is in: a server may keep the socket open a little.
      const response = parseResponse(Buffer.concat(chunks), false);
      if (response) finish(undefined, response);
    });
    socket.on('end', () => {
      const response = parseResponse(Buffer.concat(chunks), true);
      finish(new RawHttpError('connection closed before a complete response'), response);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(new RawHttpError(error.message, error.code)));
  });
}

/** Parses a complete response; undefined while incomplete (`ended`: the peer closed, take what there is). */
function parseResponse(data: Buffer, ended: boolean): RawResponse | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(headEnd + 4);
  const status = Number(match[1]);
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const body = decodeChunked(rest);
    return body || ended ? { status, headers, body: body ?? rest } : undefined;
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  if (length !== undefined && Number.isFinite(length)) {
    return rest.byteLength >= length ? { status, headers, body: rest.subarray(0, length) } : undefined;
  }
  if (status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
  return ended ? { status, headers, body: rest } : undefined;
}

/** Decodes a complete chunked body; undefined while the terminating chunk has not arrived. */
function decodeChunked(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.byteLength < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
