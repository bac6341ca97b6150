import type { Request } from 'express';
import { FILTERED, maskQueryString, maskRecord, maskString, maskValue } from './mask.ts';

/** Sentry's `request` interface, with secrets masked. */
export interface RequestInfo {
  method: string;
  url: string;
  query_string: string;
  headers: Record<string, string>;
  cookies?: Record<string, string>;
  data?: unknown;
}

/** `POST /orders/:id` for an error raised in a route handler, undefined for one raised in plain middleware. */
export function routeOf(req: Request): string | undefined {
  const route: unknown = req.route;
  if (route === null || typeof route !== 'object') return undefined;
  const path = (route as { path?: unknown }).path;
  if (typeof path !== 'string') return undefined;
  return `${req.method} ${req.baseUrl ?? ''}${path}`;
}

export function requestInfo(req: Request): RequestInfo {
  const original = req.originalUrl || req.url;
  const queryIndex = original.indexOf('?');
  const pathname = queryIndex === -1 ? original : original.slice(0, queryIndex);
  const query = maskQueryString(queryIndex === -1 ? '' : original.slice(queryIndex + 1));
  const host = req.get('host') ?? 'localhost';
  const info: RequestInfo = {
    method: req.method,
    url: `${req.protocol}://${host}${pathname}${query ? `?${query}` : ''}`,
    query_string: query,
    headers: maskRecord(req.headers),
  };
  const cookieHeader = req.headers.cookie;
  if (cookieHeader) {
    // Names help ("is my session cookie even sent?"); values never.
    info.cookies = Object.fromEntries(
      cookieHeader
        .split(';')
        .map((part) => part.split('=')[0]?.trim() ?? '')
        .filter((name) => name.length > 0)
        .map((name) => [name, FILTERED]),
    );
  }
  const body: unknown = req.body;
  if (hasBody(body)) info.data = typeof body === 'string' ? maskString(body) : maskValue(body);
  return info;
}

function hasBody(body: unknown): boolean {
  if (body === undefined || body === null) return false;
  if (typeof body === 'string') return body.length > 0;
  if (typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array)) return Object.keys(body).length > 0;
  return true;
}
