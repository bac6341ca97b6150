import { HttpError } from '../httpError.ts';
import type { OriginPolicy } from '../origins.ts';
import type { Middleware, SidecarRequest } from './types.ts';

/**
 * Refuses requests made by pages of other sites. CORS alone would only hide the answer from such a
 * page, after the request had done its work (stored an envelope, cleared the buffer); this stops
 * the request itself. A request with an Origin passes when that origin is local, allowed, or the
 * sidecar's own (its Origin matches the Host header). A request without one passes unless the
 * browser marks it cross-site (`Sec-Fetch-Site`): a `<script src>`, `<img>` or `<iframe>` on
 * another site sends no Origin, and would otherwise start a stream or probe /health unasked.
 * Opening the sidecar from a link on another site (a top-level navigation) still works; server
 * SDKs, curl and browsers without Fetch Metadata send no such header.
 */
export function crossSiteGuard(policy: OriginPolicy): Middleware {
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      if (req.headers['sec-fetch-site'] !== 'cross-site' || isTopLevelNavigation(req)) return next();
      const mode = String(req.headers['sec-fetch-mode'] ?? '').slice(0, 20);
      next(
        new HttpError(
          403,
          `cross-site request without Origin (Sec-Fetch-Site: cross-site, Sec-Fetch-Mode: ${mode}) is not allowed: Spotlight accepts pages on localhost, 127.0.0.1 and [::1] only; a page of another origin must use fetch or EventSource and be started with --allowed-origin`,
        ),
      );
      return;
    }
    if (policy.isAllowed(origin) || isSameOrigin(origin, req.headers.host)) return next();
    const shown = origin.slice(0, 200);
    next(
      new HttpError(
        403,
        `Origin "${shown}" is not allowed: Spotlight accepts pages on localhost, 127.0.0.1 and [::1] only; start it with --allowed-origin ${JSON.stringify(shown)} to allow this one`,
      ),
    );
  };
}

/** A page opened in a tab (a link followed, an address typed): the page that linked here cannot read it. */
function isTopLevelNavigation(req: SidecarRequest): boolean {
  return req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const lower = origin.toLowerCase();
  const hostLower = host.toLowerCase();
  return lower === `http://${hostLower}` || lower === `https://${hostLower}`;
}
