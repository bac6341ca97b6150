import type { RequestHandler } from 'express';
import { HttpError } from '../httpError.ts';

export function notFound(): RequestHandler {
  return (req, _res, next) => {
    next(new HttpError(404, `no route for ${req.method} ${req.path.slice(0, 200)}; see GET / for how to connect`));
  };
}
