import type { Middleware } from './types.ts';

const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
/** What SDK transports and viewers send; echoed requests are checked against a token pattern. */
const HEADER_LIST = /^[\w-]+(\s*,\s*[\w-]+)*$/;
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for the origins the cross-site guard let through (it runs first): the request's own origin
 * is echoed, never `*`, and `Vary: Origin` keeps caches from mixing answers. Preflights are answered
 * here, including Chrome's Private Network Access (a public page asking to reach loopback).
 */
export function cors(): Middleware {
  return (req, res, next) => {
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return next();

    res.setHeader('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network');
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    const requested = req.headers['access-control-request-headers'];
    if (requested !== undefined && requested.length <= 1000 && HEADER_LIST.test(requested.trim())) {
      res.setHeader('Access-Control-Allow-Headers', requested);
    }
    if (req.headers['access-control-request-private-network'] === 'true') {
      res.setHeader('Access-Control-Allow-Private-Network', 'true');
    }
    res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
    res.statusCode = 204;
    res.end();
  };
}
