import { get } from 'node:http';
import { POWERED_BY } from './middleware/poweredBy.ts';
import type { HealthInfo } from './routes/health.ts';

/** What answers on a port: a Spotlight sidecar (with its health, when readable), something else, or nothing. */
export type ProbeResult = { kind: 'spotlight'; health: Partial<HealthInfo> } | { kind: 'other'; detail: string } | { kind: 'none' };

/**
 * Asks `GET /health` on host:port whether a Spotlight sidecar (ours or the published one, which
 * also sends `X-Powered-By: spotlight-by-sentry`) is there. Bounded by `timeoutMs`.
 */
export function probeSidecar(host: string, port: number, timeoutMs = 1000): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let done = false;
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = get({ host, port, path: '/health', headers: { Host: `localhost:${port}`, Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 64 * 1024) chunks.push(chunk);
      });
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        const named = typeof body === 'object' && body !== null && (body as { name?: unknown }).name === 'spotlight';
        if (res.headers['x-powered-by'] === POWERED_BY || named)
          finish({ kind: 'spotlight', health: named ? (body as Partial<HealthInfo>) : {} });
        else finish({ kind: 'other', detail: `it answered HTTP ${res.statusCode} to GET /health` });
      });
      res.on('error', () => finish({ kind: 'other', detail: 'its answer broke off' }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        error.code === 'ECONNREFUSED'
          ? { kind: 'none' }
          : { kind: 'other', detail: `it does not speak HTTP (${error.code ?? error.message})` },
      );
    });
    const timer = setTimeout(() => finish({ kind: 'other', detail: `it did not answer GET /health within ${timeoutMs} ms` }), timeoutMs);
  });
}
