import type { Middleware } from './types.ts';

/** The header existing Spotlight tools probe to recognize a running sidecar. */
export const POWERED_BY = 'spotlight-by-sentry';

/** Marks every response, refusals included, as coming from Spotlight. */
export function poweredBy(): Middleware {
  return (_req, res, next) => {
    res.setHeader('X-Powered-By', POWERED_BY);
    next();
  };
}
