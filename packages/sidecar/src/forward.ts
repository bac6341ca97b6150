/**
 * Forwards what the sidecar receives to a real Sentry (or to another sidecar: any DSN works), as a
 * *sampled* copy: SDKs send Spotlight everything, but upstream must only get what the app's own
 * sampling keeps, and must respect the upstream's rate limits without retrying in a loop.
 */
import {
  type DataCategory,
  type DsnComponents,
  dsnFromString,
  type EnvelopeItemType,
  envelopeItemTypeToDataCategory,
  getEnvelopeEndpointWithUrlEncodedAuth,
  isRateLimited,
  type RateLimits,
  updateRateLimits,
} from '@sentry/core';
import {
  createEnvelope,
  type Envelope,
  type EnvelopeHeaders,
  type Item,
  itemJson,
  parseSampleRate,
  serializeEnvelope,
  TRACE_ITEM_TYPES,
  traceSampleRand,
} from '@spotlight/envelope';
import { VERSION } from './version.ts';

export class DsnError extends Error {
  override readonly name = 'DsnError';
}

/**
 * Parses a DSN with @sentry/core. It tells only whether a DSN is valid (and prints why it is not
 * to the console), so the common mistakes are named here first, in a one-line reason.
 */
export function parseDsn(dsn: string): DsnComponents {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new DsnError(`invalid DSN "${dsn}": not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DsnError(`invalid DSN "${dsn}": protocol must be http or https`);
  if (!url.username) throw new DsnError(`invalid DSN "${dsn}": missing public key`);
  if (!/\/\d+\/?$/.test(url.pathname)) throw new DsnError(`invalid DSN "${dsn}": project id must be a number`);
  const components = dsnFromString(dsn);
  if (!components) throw new DsnError(`invalid DSN "${dsn}"`);
  return components;
}

/** Where a forwarder posts: the DSN's envelope endpoint, with its authentication in the query (as Sentry's browser SDKs send it). */
export function envelopeUrl(dsn: DsnComponents): string {
  return getEnvelopeEndpointWithUrlEncodedAuth(dsn, undefined, { name: 'spotlight-sidecar', version: VERSION });
}

/** Sentry's data category of an item type, the unit rate limits are expressed in. */
function itemCategory(type: string): DataCategory {
  return envelopeItemTypeToDataCategory(type as EnvelopeItemType);
}

export interface ForwarderOptions {
  readonly dsn: string;
  /** Trace sampling applied to the forwarded copy only, in [0, 1]; default 1 (keep what the app's SDK kept). */
  readonly sampleRate?: number;
  readonly fetch?: typeof fetch;
  /** One line per state change (rate limited, upstream failing, recovered); never one per envelope. */
  readonly log?: (line: string) => void;
  /** Clock in ms, for rate limits and back-off; injectable for tests. */
  readonly now?: () => number;
  /** Requests in flight at once (default 4). */
  readonly maxConcurrent?: number;
  /** Envelopes waiting for a free slot (default 100); beyond it they are dropped and counted. */
  readonly maxQueue?: number;
  /** Per-request time limit in ms (default 10 000). */
  readonly timeoutMs?: number;
}

export interface ForwarderStats {
  /** Envelopes the upstream accepted. */
  readonly sent: number;
  /** Envelopes dropped before sending: queue full, upstream backing off, or forwarder closed. */
  readonly dropped: number;
  /** Items dropped because the upstream rate-limits their category (including those it refused with 429). */
  readonly rateLimited: number;
  /** Envelopes whose request failed (network error, timeout, 4xx other than 429, 5xx). */
  readonly failed: number;
  /** Trace items left out by sampling (the app's own decision or `sampleRate`). */
  readonly sampledOut: number;
}

export interface Forwarder {
  /** Where envelopes go (the DSN's envelope endpoint). */
  readonly endpoint: string;
  /** Queues the upstream copy of a received envelope; never throws, never waits. */
  forward(envelope: Envelope, bytes: Uint8Array): void;
  stats(): ForwarderStats;
  /** Stops accepting and waits (at most `timeoutMs`, default 2000) for requests in flight. */
  close(timeoutMs?: number): Promise<void>;
}

const MAX_BACKOFF_MS = 60_000;

interface Outgoing {
  readonly body: Uint8Array;
  readonly items: number;
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  const dsn = parseDsn(options.dsn);
  const url = envelopeUrl(dsn);
  // What logs and messages show: the endpoint without the key.
  const endpoint = url.slice(0, url.indexOf('?'));
  const parsedRate = options.sampleRate === undefined ? 1 : parseSampleRate(options.sampleRate);
  if (parsedRate === undefined) throw new DsnError(`invalid sample rate ${String(options.sampleRate)}: must be in [0, 1]`);
  const sampleRate: number = parsedRate;
  const doFetch = options.fetch ?? globalThis.fetch;
  const log = options.log ?? ((line: string) => console.warn(`[spotlight] ${line}`));
  const now = options.now ?? Date.now;
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? 4);
  const maxQueue = Math.max(0, options.maxQueue ?? 100);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = `${dsn.host}${dsn.port ? `:${dsn.port}` : ''}`;

  const counts = { sent: 0, dropped: 0, rateLimited: 0, failed: 0, sampledOut: 0 };
  let rateLimits: RateLimits = {};
  const queue: Outgoing[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let consecutiveFailures = 0;
  let backoffUntil = 0;
  let rateLimitLogged = false;

  function forward(envelope: Envelope, bytes: Uint8Array): void {
    try {
      if (closed || now() < backoffUntil) {
        counts.dropped++;
        return;
      }
      const outgoing = upstreamCopy(envelope, bytes);
      if (!outgoing) return;
      if (inFlight.size < maxConcurrent) start(outgoing);
      else if (queue.length < maxQueue) queue.push(outgoing);
      else counts.dropped++;
    } catch (error) {
      // A forwarding bug must never break the sidecar's intake.
      counts.dropped++;
      log(`forward to ${target}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The bytes to send upstream, or undefined when nothing is left after sampling and rate limits. */
  function upstreamCopy(envelope: Envelope, bytes: Uint8Array): Outgoing | undefined {
    const at = now();
    const dsc = (envelope.header.trace ?? undefined) as Record<string, unknown> | undefined;
    const keepTrace = traceDecision(envelope, dsc);
    let header: EnvelopeHeaders = envelope.header;
    let changed = false;
    const items: Item[] = [];
    for (const item of envelope.items) {
      const type = item.header.type;
      if (TRACE_ITEM_TYPES.has(type) && !keepTrace) {
        counts.sampledOut++;
        changed = true;
      } else if (isRateLimited(rateLimits, itemCategory(type), at)) {
        counts.rateLimited++;
        changed = true;
      } else {
        items.push(item);
      }
    }
    if (items.length === 0) return undefined;
    if (dsc && sampleRate < 1 && items.some((item) => TRACE_ITEM_TYPES.has(item.header.type))) {
      // Both decisions compare the same random number, so the copy is kept with the smaller rate.
      const appRate = parseSampleRate(dsc.sample_rate) ?? 1;
      header = { ...header, trace: { ...dsc, sample_rate: String(Math.min(appRate, sampleRate)) } as EnvelopeHeaders['trace'] };
      changed = true;
    }
    if (typeof header.dsn === 'string' && header.dsn !== options.dsn) {
      // Tunnelled envelopes name their DSN; upstream checks it against the endpoint's key.
      header = { ...header, dsn: options.dsn };
      changed = true;
    }
    if (!changed) return { body: bytes, items: items.length };
    const body = serializeEnvelope({ ...createEnvelope(header, items), trailingNewline: envelope.trailingNewline ?? false });
    return { body, items: items.length };
  }

  /** Whether this envelope's trace items go upstream: the app's own decision first, then `sampleRate`. */
  function traceDecision(envelope: Envelope, dsc: Record<string, unknown> | undefined): boolean {
    if (!envelope.items.some((item) => TRACE_ITEM_TYPES.has(item.header.type))) return true;
    // Spotlight's SDK hooks send local copies of traces the app did not sample, marked sampled=false.
    if (dsc?.sampled === 'false' || dsc?.sampled === false) return false;
    if (sampleRate >= 1) return true;
    if (sampleRate <= 0) return false;
    const rand = traceSampleRand(dsc?.trace_id ?? traceIdOfItems(envelope.items), dsc?.sample_rand);
    return rand === undefined ? true : rand < sampleRate;
  }

  function start(outgoing: Outgoing): void {
    const task = send(outgoing).finally(() => {
      inFlight.delete(task);
      const next = queue.shift();
      if (next) {
        if (closed || now() < backoffUntil) counts.dropped += 1 + dropQueue();
        else start(next);
      }
    });
    inFlight.add(task);
  }

  function dropQueue(): number {
    const n = queue.length;
    queue.length = 0;
    return n;
  }

  async function send({ body, items }: Outgoing): Promise<void> {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-sentry-envelope' },
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      failed(error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error));
      return;
    }
    // Drain the body so the connection can be reused; its content does not matter.
    await response.arrayBuffer().catch(() => undefined);
    const at = now();
    const headers = {
      'x-sentry-rate-limits': response.headers.get('x-sentry-rate-limits'),
      'retry-after': response.headers.get('retry-after'),
    };
    const updated = updateRateLimits(rateLimits, { statusCode: response.status, headers }, at);
    const limited = Object.entries(updated).filter(([category, until]) => until !== rateLimits[category] && until > at);
    rateLimits = updated;
    if (limited.length > 0 && !rateLimitLogged) {
      rateLimitLogged = true;
      const what = limited.map(
        ([category, until]) => `${category === 'all' ? 'everything' : category} for ${Math.ceil((until - at) / 1000)}s`,
      );
      log(`forward to ${target}: rate limited (${what.join(', ')}); dropping those until then`);
    } else if (limited.length === 0) {
      rateLimitLogged = false;
    }
    if (response.status === 429) {
      counts.rateLimited += items;
    } else if (response.ok) {
      counts.sent++;
      if (consecutiveFailures > 0) log(`forward to ${target}: upstream answers again`);
      consecutiveFailures = 0;
    } else if (response.status >= 500) {
      failed(`HTTP ${response.status}`);
    } else {
      // 4xx: this envelope is refused (bad key, too large...); retrying would not help, others may pass.
      counts.failed++;
    }
  }

  function failed(reason: string): void {
    counts.failed++;
    consecutiveFailures++;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (consecutiveFailures - 1));
    backoffUntil = now() + delay;
    counts.dropped += dropQueue();
    if (consecutiveFailures === 1)
      log(`forward to ${target} failed (${reason}); dropping envelopes while it is down, retrying with back-off`);
  }

  return {
    endpoint,
    forward,
    stats: () => ({ ...counts }),
    async close(closeTimeoutMs = 2000) {
      closed = true;
      counts.dropped += dropQueue();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, closeTimeoutMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      clearTimeout(timer);
    },
  };
}

function traceIdOfItems(items: readonly Item[]): unknown {
  for (const item of items) {
    if (!TRACE_ITEM_TYPES.has(item.header.type)) continue;
    try {
      const payload = itemJson(item) as { contexts?: { trace?: { trace_id?: unknown } }; items?: { trace_id?: unknown }[] };
      const id = payload.contexts?.trace?.trace_id ?? payload.items?.[0]?.trace_id;
      if (id !== undefined) return id;
    } catch {
      // A payload that is not JSON has no trace id to offer.
    }
  }
  return undefined;
}
