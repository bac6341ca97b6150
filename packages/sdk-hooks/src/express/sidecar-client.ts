import { createEnvelope, createItem, type Event, serializeEnvelope, utf8Encode } from '@spotlight/envelope';

export const DEFAULT_SIDECAR_URL = 'http://localhost:8969';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** `http://localhost:8969/stream` and `http://localhost:8969/` both mean `http://localhost:8969`; only loopback http(s) URLs count. */
export function normalizeSidecarUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/stream$/, '')}`;
}

/** The option, then `SENTRY_SPOTLIGHT` (a URL; `true`/`1` mean the default), then the default address. */
export function resolveSidecarUrl(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromOption = normalizeSidecarUrl(option);
  if (fromOption) return fromOption;
  const fromEnv = normalizeSidecarUrl(env.SENTRY_SPOTLIGHT);
  if (fromEnv) return fromEnv;
  return DEFAULT_SIDECAR_URL;
}

export function eventEnvelope(event: Event & { event_id: string }, sdk: { name: string; version: string }): Uint8Array {
  return serializeEnvelope(
    createEnvelope({ event_id: event.event_id, sent_at: new Date().toISOString(), sdk }, [
      createItem({ type: 'event', content_type: 'application/json' }, utf8Encode(JSON.stringify(event))),
    ]),
  );
}

/** Posts an envelope to the sidecar's `/stream`; resolves false (never throws) when it is down or slow. */
export async function postEnvelope(sidecarUrl: string, body: Uint8Array, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${sidecarUrl}/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-sentry-envelope' },
      // fetch's types want an ArrayBuffer-backed view; serializeEnvelope's bytes always are.
      body: body as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
