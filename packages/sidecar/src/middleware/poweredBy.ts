import { SPOTLIGHT_POWERED_BY } from '@spotlight/envelope';
import type { Middleware } from './types.ts';

/** Marks every response, refusals included, as coming from Spotlight (tools probe it to find a sidecar). */
export function poweredBy(): Middleware {
  return (_req, res, next) => {
    res.setHeader('X-Powered-By', SPOTLIGHT_POWERED_BY);
    next();
  };
}
