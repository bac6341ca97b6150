/**
 * Makes a page's Sentry client capture everything Spotlight should show, without changing what Sentry
 * itself gets from a page with a DSN:
 * - No DSN: the SDK has no transport, so it counts as disabled: it skips setting up its integrations
 *   (no global error handlers, no browser tracing) and propagates no trace to the page's backend. It
 *   gets a transport that sends nothing upstream (the bridge sends every envelope to the sidecar), and
 *   the integrations it skipped are set up.
 * - SDK 10 and 11 process at most 64 events at once and drop the rest (`queue_overflow`): 500
 *   synchronous `captureException` calls reach the sidecar as 64. In development the client gets a
 *   larger buffer, and what it still drops is counted.
 */
import { widenProcessingBuffer } from '../node/processing.ts';
import type { SentryClientLike, SentryTransportLike } from '../sentry.ts';

/** Events a client processes at once once prepared; past it the SDK drops (and Spotlight counts) them. */
export const SDK_BUFFER_SIZE = 10_000;

interface IntegrationLike {
  readonly name: string;
}

/** The parts of a client of SDK 8 to 11 that preparing it touches (some of them private). */
interface PreparableClient extends SentryClientLike {
  getOptions(): { integrations?: readonly IntegrationLike[]; enabled?: boolean };
  getIntegrationByName?(name: string): unknown;
  addIntegration?(integration: IntegrationLike): void;
  _transport?: SentryTransportLike;
}

export interface Prepared {
  /** What the SDK dropped before Spotlight could see it, per data category. */
  readonly sdkDropped: Map<string, number>;
  /** Whether the client had no transport (no DSN) and was given the local one. */
  readonly localTransport: boolean;
}

/** Shared through the global object, like the taps: a client is prepared once per page. */
const PREPARED_KEY = Symbol.for('sentry-spotlight.prepared-clients');
const preparedHolder = globalThis as { [PREPARED_KEY]?: WeakMap<object, Prepared> };
const PREPARED: WeakMap<object, Prepared> = preparedHolder[PREPARED_KEY] ?? new WeakMap<object, Prepared>();
preparedHolder[PREPARED_KEY] = PREPARED;

/** The transport of a client without a DSN: Sentry gets nothing; the bridge reads `beforeEnvelope`. */
export function localTransport(): SentryTransportLike {
  return { send: () => Promise.resolve({}), flush: () => Promise.resolve(true) };
}

/**
 * Prepares `client` once. `beforeInit`: Sentry is registering it and has not set its integrations up yet
 * (the carrier watch), so a transport now makes the SDK set them all up itself; otherwise the ones it
 * skipped are added now. A client the app turned off (`enabled: false`) is left alone.
 */
export function prepareClient(client: SentryClientLike, beforeInit: boolean): Prepared {
  const known = PREPARED.get(client);
  if (known) return known;
  const target = client as PreparableClient;
  const options = target.getOptions();
  const prepared: Prepared = { sdkDropped: new Map(), localTransport: false };
  PREPARED.set(client, prepared);
  if (options.enabled === false) return prepared;

  // The same bound as the Node hook's (node/processing.ts); what it still turns away is counted.
  widenProcessingBuffer(client, SDK_BUFFER_SIZE, (category) =>
    prepared.sdkDropped.set(category, (prepared.sdkDropped.get(category) ?? 0) + 1),
  );

  if (target.getTransport()) return prepared;
  target._transport = localTransport();
  (prepared as { localTransport: boolean }).localTransport = true;
  if (!beforeInit) setUpSkippedIntegrations(target);
  return prepared;
}

/**
 * Without a DSN, `client.init()` set no integration up (unless one was named `Spotlight*`): set up the
 * configured ones now, in their order, as `init` would have.
 */
function setUpSkippedIntegrations(client: PreparableClient): void {
  const configured = client.getOptions().integrations ?? [];
  if (!client.addIntegration || !client.getIntegrationByName) return;
  if (configured.some((integration) => client.getIntegrationByName?.(integration.name))) return;
  for (const integration of configured) {
    try {
      client.addIntegration(integration);
    } catch {
      // One integration failing must not keep the others (or the page) from working.
    }
  }
}
