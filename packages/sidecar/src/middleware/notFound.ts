import { HttpError } from '../httpError.ts';
import type { Middleware } from './types.ts';

export function notFound(): Middleware {
  return (req, _res, next) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    next(new HttpError(404, `no route for ${req.method} ${path.slice(0, 200)}; see GET / for how to connect`));
  };
}
