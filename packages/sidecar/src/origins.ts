/**
 * Who may talk to the sidecar. Pure functions over header values, shared by the Host check (the
 * DNS-rebinding guard), the cross-site guard and CORS.
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Whether a host name (no port, IPv6 without brackets) always means this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase();
  // RFC 6761: browsers resolve localhost and *.localhost to loopback themselves, never through DNS.
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = IPV4.exec(name.startsWith('::ffff:') ? name.slice(7) : name);
  if (v4) return Number(v4[1]) === 127 && v4.slice(2).every((part) => Number(part) <= 255);
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

/** Splits a Host header (`name`, `name:port`, `[v6]:port`) into its host name, lowercased. */
export function hostnameOfHostHeader(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address (not valid in Host, but harmless).
  return colon >= 0 && value.indexOf(':', colon + 1) < 0 ? value.slice(0, colon) : value;
}

/**
 * The Host check: a browser tricked by DNS rebinding sends the attacker's name as Host, so only
 * names that cannot be rebound (loopback) and names the user configured are accepted. An entry of
 * `allowedHosts` is a host name (any port) or `name:port` (that port only).
 */
export function isAllowedHost(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (host === undefined || host === '') return true; // HTTP/1.0 clients; browsers always send Host.
  const hostname = hostnameOfHostHeader(host);
  if (isLoopbackHostname(hostname)) return true;
  const full = host.trim().toLowerCase();
  for (const allowed of allowedHosts) {
    const entry = allowed.trim().toLowerCase();
    const hasPort = entry.startsWith('[') ? entry.includes(']:') : /^[^:]+:\d+$/.test(entry);
    if (hasPort ? entry === full : hostnameOfHostHeader(entry) === hostname) return true;
  }
  return false;
}

/** Normalizes an origin (`http://Localhost:3000/` -> `http://localhost:3000`); `null` stays `null`. */
export function normalizeOrigin(origin: string): string {
  if (origin === 'null') return origin;
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? origin.toLowerCase() : url.origin;
  } catch {
    return origin.toLowerCase();
  }
}

/** Whether an Origin header is a page on this machine: http(s), a loopback host, any port. */
export function isLocalOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isLoopbackHostname(hostname);
}

/**
 * Decides origins, remembering recent answers: a page sends the same Origin on every request, and
 * parsing it each time would cost more than the rest of the check.
 */
export class OriginPolicy {
  private readonly extra: ReadonlySet<string>;
  private readonly cache = new Map<string, boolean>();

  constructor(allowedOrigins: readonly string[]) {
    this.extra = new Set(allowedOrigins.map(normalizeOrigin));
  }

  isAllowed(origin: string): boolean {
    const known = this.cache.get(origin);
    if (known !== undefined) return known;
    const allowed = isLocalOrigin(origin) || this.extra.has(normalizeOrigin(origin));
    if (this.cache.size >= 256) this.cache.clear();
    this.cache.set(origin, allowed);
    return allowed;
  }
}
