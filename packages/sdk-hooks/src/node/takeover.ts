/**
 * Sentry's own Spotlight integration (the SDK's `spotlight` option, which `SENTRY_SPOTLIGHT` turns on)
 * POSTs each envelope to the sidecar as it is made: it cannot start a sidecar, holds nothing while one
 * starts, and gives up for good after four failed requests. When Spotlight hooks a client on which that
 * integration is already set up (`Sentry.init()` ran first), it takes over the integration's job: it
 * sends the local copy itself (finding or starting the sidecar, holding a burst, finding it again after
 * an idle exit), and the integration's own requests are stopped before they leave the process, so that
 * nothing arrives twice. Node announces every `http.request` on a diagnostics channel, where a
 * subscriber may destroy it before it connects; after four stopped requests the integration stops
 * trying by itself. Spotlight's own sends use raw sockets and are not seen there.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { isLoopbackHostname } from '../url.ts';

const REQUEST_START = 'http.client.request.start';

/** Where Sentry's integration sends, from the client's `spotlight` option (`true`: its default address). */
export function sdkSpotlightTarget(spotlightOption: unknown): URL | undefined {
  const url = typeof spotlightOption === 'string' ? spotlightOption : 'http://localhost:8969/stream';
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether `request` is one of the integration's envelope POSTs to `target` (any loopback `/stream` when unknown). */
export function isSdkSpotlightRequest(request: ClientRequest, target: URL | undefined): boolean {
  if (request.method !== 'POST') return false;
  if (!/^application\/x-sentry-envelope\b/i.test(String(request.getHeader('content-type') ?? ''))) return false;
  const host = String(request.getHeader('host') ?? request.host ?? '');
  if (target) return host === target.host && request.path === `${target.pathname}${target.search}`;
  const hostname = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return isLoopbackHostname(hostname) && request.path.split('?')[0]?.endsWith('/stream') === true;
}

/** Stops the integration's requests from now on; returns the function that lets them through again. */
export function stopSdkSpotlightRequests(target: URL | undefined, onStopped?: () => void): () => void {
  const listener = (message: unknown) => {
    const request = (message as { request?: ClientRequest } | undefined)?.request;
    if (!request || !isSdkSpotlightRequest(request, target)) return;
    request.destroy(new Error('sent by Spotlight instead'));
    onStopped?.();
  };
  subscribe(REQUEST_START, listener);
  return () => {
    unsubscribe(REQUEST_START, listener);
  };
}
