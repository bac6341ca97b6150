import { HttpError } from '../httpError.ts';
import { isAllowedHost } from '../origins.ts';
import type { Middleware } from './types.ts';

/**
 * The DNS-rebinding guard. A web page can point a name it controls at 127.0.0.1 and then read the
 * sidecar as "same origin"; its requests still carry that name in Host. Only loopback names and
 * addresses, and the hosts the user allowed, get through.
 */
export function hostCheck(allowedHosts: readonly string[]): Middleware {
  const known = new Map<string, boolean>();
  return (req, _res, next) => {
    const host = req.headers.host;
    let allowed = host === undefined ? true : known.get(host);
    if (allowed === undefined) {
      allowed = isAllowedHost(host, allowedHosts);
      if (known.size >= 256) known.clear();
      known.set(host as string, allowed);
    }
    if (allowed) return next();
    const shown = (host ?? '').slice(0, 200);
    next(
      new HttpError(
        403,
        `Host "${shown}" is not allowed: Spotlight answers only to localhost, 127.0.0.1 and [::1] (a guard against DNS rebinding); start it with --allowed-host ${JSON.stringify(shown.replace(/:\d+$/, ''))} to allow this name`,
      ),
    );
  };
}
