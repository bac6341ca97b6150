import { readHealthAnswer, type SidecarProbe } from '@spotlight/envelope';
import { rawRequest } from './rawHttp.ts';

export type { SidecarProbe };

export type Probe = (baseUrl: string) => Promise<SidecarProbe>;

/**
 * Asks `GET /health` what answers at `baseUrl` (readHealthAnswer reads the answer): ours answers JSON
 * `{name: 'spotlight', pid, ...}` with `X-Powered-By: spotlight-by-sentry`; the published sidecar
 * sends the same header, and takes envelopes the same way.
 */
export async function probeSidecar(baseUrl: string, timeoutMs = 1000): Promise<SidecarProbe> {
  try {
    const response = await rawRequest(`${baseUrl}/health`, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    return readHealthAnswer(response.status, response.headers['x-powered-by'], response.body.toString('utf8'));
  } catch (error) {
    return { kind: 'down', reason: error instanceof Error ? error.message : String(error) };
  }
}
