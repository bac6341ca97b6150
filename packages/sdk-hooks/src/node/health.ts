import { rawRequest } from './rawHttp.ts';

/** What answers at a sidecar address. */
export type SidecarProbe =
  | { readonly kind: 'spotlight'; readonly pid: number | undefined }
  /** Something that is not Spotlight holds the port. */
  | { readonly kind: 'other'; readonly status: number }
  /** Nothing listens (or it did not answer in time). */
  | { readonly kind: 'down'; readonly reason: string };

export type Probe = (baseUrl: string) => Promise<SidecarProbe>;

/**
 * Asks `GET /health`. Ours answers JSON `{name: 'spotlight', pid, ...}` with `X-Powered-By:
 * spotlight-by-sentry`; the published sidecar sends the same header, and takes envelopes the same way.
 */
export async function probeSidecar(baseUrl: string, timeoutMs = 1000): Promise<SidecarProbe> {
  try {
    const response = await rawRequest(`${baseUrl}/health`, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    let body: { name?: unknown; pid?: unknown } = {};
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      // Not JSON: only the header can tell.
    }
    const poweredBy = response.headers['x-powered-by'] ?? '';
    const isSpotlight = response.status === 200 && (body?.name === 'spotlight' || poweredBy.includes('spotlight'));
    if (!isSpotlight) return { kind: 'other', status: response.status };
    return { kind: 'spotlight', pid: typeof body?.pid === 'number' ? body.pid : undefined };
  } catch (error) {
    return { kind: 'down', reason: error instanceof Error ? error.message : String(error) };
  }
}
