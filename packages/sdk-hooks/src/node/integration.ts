/**
 * `spotlightIntegration()`: the hooks on a `@sentry/node` client (SDK 8 to 11). Named `Spotlight`
 * because the SDKs set up their integrations without a DSN only when one named `Spotlight*` is present,
 * and because the SDK then leaves out its own Spotlight integration (which would send a second copy).
 */
import { SPOTLIGHT_DSC_KEY } from '../baggage.ts';
import { type Activation, type Env, envFlag, spotlightActivation } from '../environment.ts';
import type { SentryClientLike, SentryEnvelopeLike } from '../sentry.ts';
import { serializeSdkEnvelope } from '../serialize.ts';
import { loopbackSidecarUrl, sidecarStreamUrl } from '../url.ts';
import { createDelivery, type DeliveryStats } from './delivery.ts';
import { discoverSidecar } from './discovery.ts';
import { clientReportEnvelope, envelopeDiscards } from './drops.ts';
import { probeSidecar } from './health.ts';
import { LaunchError, launchSidecar, spawnDetached } from './launcher.ts';
import { type NodeConfig, resolveConfig, type SpotlightNodeOptions } from './options.ts';
import { widenProcessingBuffer } from './processing.ts';
import { addSidecarToBaggage, watchIncomingBaggage } from './propagation.ts';
import { keepRepeatedErrors, withoutLocalOnly } from './repeats.ts';
import { forceLocalSampling, type UpstreamRules } from './sampling.ts';
import { rawSender } from './sender.ts';
import { resolveSidecarCli, SIDECAR_CLI_MISSING } from './sidecarCli.ts';
import { sdkSpotlightTarget, stopSdkSpotlightRequests } from './takeover.ts';
import { attachTransport, type TransportMode } from './transport.ts';
import { upstreamEnvelope } from './upstream.ts';

export const INTEGRATION_NAME = 'Spotlight';

/** What a connected (or deliberately inert) client offers to the app and to tests. */
export interface SpotlightHandle {
  readonly enabled: boolean;
  /** Why it is on or off, e.g. `development`, `production (NODE_ENV=production)`. */
  readonly reason: string;
  /** How the app's transport was hooked: wrapped (DSN), installed (no DSN), or unavailable. */
  readonly transport: TransportMode | 'none';
  /** The sidecar's base URL, once the first envelope found (or started) it. */
  sidecarUrl(): string | undefined;
  stats(): DeliveryStats;
  /** Waits until every envelope so far reached the sidecar (or was dropped); false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
}

export interface SpotlightIntegration {
  readonly name: typeof INTEGRATION_NAME;
  setup(client: SentryClientLike): void;
  /** The connection, once `setup` ran. */
  readonly handle: SpotlightHandle | undefined;
}

const NO_STATS: DeliveryStats = { sent: 0, dropped: 0, rejected: 0, queued: 0 };

export function inertHandle(activation: Activation): SpotlightHandle {
  return {
    enabled: false,
    reason: activation.reason,
    transport: 'none',
    sidecarUrl: () => undefined,
    stats: () => NO_STATS,
    flush: () => Promise.resolve(true),
  };
}

export function stderrLog(line: string): void {
  // Not console: the SDK records console output as breadcrumbs and logs.
  process.stderr.write(`[spotlight] ${line}\n`);
}

// The connection of each client hooked, also where Sentry's own integration holds the name `Spotlight`.
const handles = new WeakMap<object, SpotlightHandle>();

/** Spotlight's connection to `client`, if it has one. */
export function spotlightHandleOf(client: object): SpotlightHandle | undefined {
  const named = (client as { getIntegrationByName?(name: string): unknown }).getIntegrationByName?.(INTEGRATION_NAME) as
    | Partial<SpotlightIntegration>
    | undefined;
  return handles.get(client) ?? named?.handle;
}

export interface ConnectOptions {
  /**
   * Sentry's own Spotlight integration is set up on this client: Spotlight sends in its place and stops
   * its requests (see takeover.ts).
   */
  readonly takeOver?: boolean;
}

/** Hooks `client` (once: a second call gives the first connection). */
export function hookClient(client: SentryClientLike, options: SpotlightNodeOptions, connect: ConnectOptions = {}): SpotlightHandle {
  const existing = handles.get(client);
  if (existing) return existing;
  const handle = connectClient(client, options, connect);
  handles.set(client, handle);
  return handle;
}

export function spotlightIntegration(options: SpotlightNodeOptions = {}): SpotlightIntegration {
  let handle: SpotlightHandle | undefined;
  return {
    name: INTEGRATION_NAME,
    setup(client) {
      try {
        handle = hookClient(client, options);
      } catch (error) {
        // Spotlight must never break the app's Sentry setup.
        (options.log ?? stderrLog)(`could not hook the Sentry client: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    get handle() {
      return handle;
    },
  };
}

interface ClientOptionsLike {
  environment?: unknown;
  debug?: unknown;
}

/** Hooks a client: nothing at all happens unless Spotlight is active, and nothing starts before the first envelope. */
export function connectClient(client: SentryClientLike, options: SpotlightNodeOptions, connect: ConnectOptions = {}): SpotlightHandle {
  const env: Env = options.env ?? process.env;
  const clientOptions = client.getOptions() as ClientOptionsLike;
  const log = options.log ?? stderrLog;
  const debugOn = options.debug ?? envFlag(env.SPOTLIGHT_DEBUG) ?? clientOptions.debug === true;
  const debug = debugOn ? log : () => {};
  const activation = spotlightActivation(env, { force: options.force, sentryEnvironment: clientOptions.environment });
  if (!activation.enabled) {
    debug(`off: ${activation.reason}`);
    return inertHandle(activation);
  }
  // Taking over from Sentry's own integration: the sidecar it was told to send to is the one to use.
  const sdkSpotlight = (clientOptions as { spotlight?: unknown }).spotlight;
  const takenOverUrl = connect.takeOver && typeof sdkSpotlight === 'string' ? sdkSpotlight : undefined;
  const config = resolveConfig({ ...options, sidecarUrl: options.sidecarUrl ?? takenOverUrl }, env, debug);
  const probe = options.probe ?? ((url: string) => probeSidecar(url, Math.min(1000, config.sendTimeoutMs)));
  let adopted: string | undefined;
  // The app's SDK, as its envelopes name it: the client report of what was dropped goes in its name.
  let sdkHeader: Readonly<Record<string, unknown>> | undefined;

  const delivery = createDelivery({
    connect: async () => {
      const found = await discoverSidecar({
        ...config,
        baggageUrl: () => adopted,
        probe,
        debug,
        launch: (port) => launch(config, options, env, port, probe, debug),
      });
      debug(`sending to ${found.url} (${found.source})`);
      return found.url;
    },
    send: options.send ?? rawSender(config.sendTimeoutMs),
    maxQueue: config.maxQueue,
    maxQueueBytes: config.maxQueueBytes,
    sendTimeoutMs: config.sendTimeoutMs,
    // Child processes started from now on find the same sidecar.
    onConnected: (url) => publishUrl(env, url),
    clientReport: (discarded) => serializeSdkEnvelope(clientReportEnvelope(discarded, sdkHeader ?? sdkOf(client), Date.now())),
    warn: log,
    debug,
  });

  const announced = new WeakSet<object>();
  const copyLocally = (envelope: SentryEnvelopeLike): void => {
    try {
      const sdk = envelope[0].sdk;
      if (typeof sdk === 'object' && sdk !== null) sdkHeader = sdk as Record<string, unknown>;
      const bytes = serializeSdkEnvelope(envelope);
      if (bytes) delivery.enqueue(bytes, envelopeDiscards(envelope));
    } catch {
      // Never let a local copy break the app's own sending.
    }
  };
  client.on('beforeEnvelope', (envelope: SentryEnvelopeLike) => {
    announced.add(envelope);
    copyLocally(envelope);
  });
  if (widenProcessingBuffer(client, config.maxQueue, (category) => delivery.dropped('queue_overflow', [{ category, quantity: 1 }]))) {
    debug(`the SDK may process ${config.maxQueue} events at once for the local copy (its own default: 64)`);
  }

  const rules: UpstreamRules = config.unsampled ? forceLocalSampling(client) : { errorSampleRate: 1, logs: true };
  const localOnly = new Set<string>();
  const transport = attachTransport(
    client,
    (envelope) => {
      const upstream = withoutLocalOnly(envelope, localOnly);
      return upstream && upstreamEnvelope(upstream, rules);
    },
    (timeout) => delivery.flush(timeout),
    // The profiler hands its chunks to the transport without announcing them: copy those too.
    (envelope) => {
      if (!announced.has(envelope)) copyLocally(envelope);
    },
  );
  // Only a DSN makes an upstream copy that must leave the repeats out.
  const keepRepeats = () => keepRepeatedErrors(client, (eventId) => transport === 'wrapped' && localOnly.add(eventId));
  // Dedupe may be set up after this integration: look again before the first event is processed.
  if (!keepRepeats()) {
    const stop = client.on('preprocessEvent', () => {
      if (keepRepeats() && typeof stop === 'function') stop();
    });
  }
  if (transport === 'unavailable') debug('could not give the SDK a transport: without a DSN, traces will not propagate');

  addSidecarToBaggage(client, () => delivery.url() ?? config.optionUrl ?? config.envUrl ?? adopted ?? `http://localhost:${config.port}`);
  if (!config.optionUrl && !config.envUrl) {
    let ignoredLogged = false;
    const stop = watchIncomingBaggage((raw) => {
      if (adopted || delivery.url()) return;
      const url = loopbackSidecarUrl(raw);
      if (url) {
        adopted = url;
        debug(`using the sidecar ${url} named by an incoming request's baggage`);
      } else if (!ignoredLogged) {
        ignoredLogged = true;
        debug(`ignoring ${SPOTLIGHT_DSC_KEY} "${raw}" from baggage: only loopback URLs are honoured`);
      }
    });
    client.on('close', stop);
  }
  if (connect.takeOver) {
    const target = sdkSpotlightTarget(sdkSpotlight);
    let told = false;
    const stop = stopSdkSpotlightRequests(target, () => {
      if (!told) debug(`stopped a request of Sentry's own Spotlight integration to ${target?.href ?? 'the sidecar'}: Spotlight sends it`);
      told = true;
    });
    client.on('close', stop);
    debug("Sentry's own Spotlight integration is set up: Spotlight sends in its place (nothing is sent twice)");
  }
  debug(`on (${activation.reason}); the sidecar is looked for at the first envelope`);

  return {
    enabled: true,
    reason: activation.reason,
    transport,
    sidecarUrl: () => delivery.url(),
    stats: () => delivery.stats(),
    flush: (timeoutMs) => delivery.flush(timeoutMs),
  };
}

function launch(
  config: NodeConfig,
  options: SpotlightNodeOptions,
  env: Env,
  port: number,
  probe: (url: string) => ReturnType<typeof probeSidecar>,
  debug: (line: string) => void,
): Promise<string> {
  const cliPath = options.cliPath ?? resolveSidecarCli();
  if (!cliPath) return Promise.reject(new LaunchError(SIDECAR_CLI_MISSING));
  return launchSidecar({
    cliPath,
    port,
    idleExitSeconds: config.idleExitSeconds,
    stateFile: config.stateFile,
    startTimeoutMs: config.startTimeoutMs,
    env,
    spawn: options.spawn ?? spawnDetached,
    probe,
    debug,
  });
}

/** The SDK's name and version as its envelope headers carry them (`getSdkMetadata`, SDK 8 to 11). */
function sdkOf(client: SentryClientLike): Record<string, unknown> | undefined {
  const sdk = (client as { getSdkMetadata?(): { sdk?: { name?: unknown; version?: unknown } } | undefined }).getSdkMetadata?.()?.sdk;
  return typeof sdk?.name === 'string' ? { name: sdk.name, version: sdk.version } : undefined;
}

function publishUrl(env: Env, baseUrl: string): void {
  const url = sidecarStreamUrl(baseUrl);
  if (env.SENTRY_SPOTLIGHT !== url) (env as Record<string, string | undefined>).SENTRY_SPOTLIGHT = url;
}
