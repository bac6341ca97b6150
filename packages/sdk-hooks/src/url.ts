/** Where a sidecar listens when nothing says otherwise. */
export const DEFAULT_PORT = 8969;

/**
 * The base URL (`http://host:port[/path]`) of a sidecar address, accepting the `/stream` form that
 * Sentry's SDKs use for `SENTRY_SPOTLIGHT` (`http://localhost:8969/stream`). Undefined when the text is
 * not an http(s) URL or carries credentials.
 */
export function sidecarBaseUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/stream')) path = path.slice(0, -'/stream'.length);
  return `${url.protocol}//${url.host}${path}`;
}

/** The URL SDKs POST envelopes to, and the form `SENTRY_SPOTLIGHT` and baggage carry. */
export function sidecarStreamUrl(baseUrl: string): string {
  return `${baseUrl}/stream`;
}

/** localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped 127.x), as `URL` normalizes them. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host)) return host.split('.').every((octet) => Number(octet) <= 255);
  // URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

/** The base URL when `input` is an http(s) URL on a loopback host, else undefined. */
export function loopbackSidecarUrl(input: string): string | undefined {
  const base = sidecarBaseUrl(input);
  return base && isLoopbackHostname(new URL(base).hostname) ? base : undefined;
}
