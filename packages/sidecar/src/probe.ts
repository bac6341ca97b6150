import { get } from 'node:http';
import { readHealthAnswer, type SidecarProbe } from '@spotlight/envelope';

/**
 * Asks `GET /health` on host:port what answers there (a Spotlight sidecar, ours or the published
 * one; another program; or nothing usable), within `timeoutMs`.
 */
export function probeSidecar(host: string, port: number, timeoutMs = 1000): Promise<SidecarProbe> {
  return new Promise<SidecarProbe>((resolve) => {
    let done = false;
    const finish = (result: SidecarProbe) => {
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
        const poweredBy = res.headers['x-powered-by'];
        // A header sent twice is not ours.
        finish(
          readHealthAnswer(
            res.statusCode ?? 0,
            typeof poweredBy === 'string' ? poweredBy : undefined,
            Buffer.concat(chunks).toString('utf8'),
          ),
        );
      });
      res.on('error', () => finish({ kind: 'down', reason: 'its answer to GET /health broke off' }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({
        kind: 'down',
        reason: error.code === 'ECONNREFUSED' ? 'nothing answers' : `it does not speak HTTP (${error.code ?? error.message})`,
      });
    });
    const timer = setTimeout(() => finish({ kind: 'down', reason: `it did not answer GET /health within ${timeoutMs} ms` }), timeoutMs);
  });
}
