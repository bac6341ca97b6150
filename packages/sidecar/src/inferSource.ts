import type { IncomingHttpHeaders } from 'node:http';
import type { EnvelopeSource } from '@spotlight/envelope';

/**
 * Browser or server, from the request: browsers send Origin on cross-origin POSTs and a
 * `Mozilla/...` User-Agent; server SDKs send neither.
 */
export function inferSource(headers: IncomingHttpHeaders): EnvelopeSource {
  if (headers.origin !== undefined) return 'browser';
  const agent = headers['user-agent'];
  return agent?.startsWith('Mozilla/') ? 'browser' : 'server';
}
