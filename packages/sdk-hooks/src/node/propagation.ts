/**
 * The sidecar's address travels with traces: outgoing requests carry it in `baggage` (the SDK writes
 * every key of the dynamic sampling context there, so a `spotlight` key is propagated by the SDK, with
 * whatever HTTP client the app uses), and a service that receives it sends to that sidecar instead of
 * starting its own.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { SPOTLIGHT_DSC_KEY, spotlightUrlFromBaggage } from '../baggage.ts';
import type { SentryClientLike } from '../sentry.ts';
import { sidecarStreamUrl } from '../url.ts';

/** Adds `spotlight=<stream URL>` to every dynamic sampling context this client creates. */
export function addSidecarToBaggage(client: SentryClientLike, sidecarUrl: () => string | undefined): void {
  client.on('createDsc', (dsc: Record<string, unknown>) => {
    const url = sidecarUrl();
    if (url) dsc[SPOTLIGHT_DSC_KEY] = sidecarStreamUrl(url);
  });
}

const REQUEST_START = 'http.server.request.start';

/**
 * Calls `onUrl` with the (raw, unvalidated) sidecar URL of each incoming HTTP request whose baggage
 * names one. Node's diagnostics channel sees every server request whatever the framework, and costs
 * nothing when nobody subscribes. Returns the unsubscribe function.
 */
export function watchIncomingBaggage(onUrl: (raw: string) => void): () => void {
  const listener = (message: unknown) => {
    const request = (message as { request?: IncomingMessage } | undefined)?.request;
    const raw = spotlightUrlFromBaggage(request?.headers?.baggage);
    if (raw !== undefined) onUrl(raw);
  };
  subscribe(REQUEST_START, listener);
  return () => {
    unsubscribe(REQUEST_START, listener);
  };
}
