import { HttpError } from '../httpError.ts';
import type { OriginPolicy } from '../origins.ts';
import type { Middleware } from './types.ts';

/**
 * Refuses requests made by pages of other origins. CORS alone would only hide the answer from such
 * a page, after the request had done its work (stored an envelope, cleared the buffer); this stops
 * the request itself. Requests without Origin (SDKs on servers, curl, top-level navigation) pass.
 * A page served by the sidecar itself (its Origin matches the Host header) passes too.
 */
export function crossSiteGuard(policy: OriginPolicy): Middleware {
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || policy.isAllowed(origin) || isSameOrigin(origin, req.headers.host)) return next();
    const shown = origin.slice(0, 200);
    next(
      new HttpError(
        403,
        `Origin "${shown}" is not allowed: Spotlight accepts pages on localhost, 127.0.0.1 and [::1] only; start it with --allowed-origin ${JSON.stringify(shown)} to allow this one`,
      ),
    );
  };
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const lower = origin.toLowerCase();
  const hostLower = host.toLowerCase();
  return lower === `http://${hostLower}` || lower === `https://${hostLower}`;
}
