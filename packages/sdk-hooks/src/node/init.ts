/**
 * `init()`: one call. With a Sentry client already set up (the app called `Sentry.init`), Spotlight
 * hooks it; without one, it initializes `@sentry/node` for local use (no DSN, every span and log).
 * In production it returns at once: no module loaded, no hook, no socket.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Env, spotlightActivation } from '../environment.ts';
import { findSentryClient, type SentryClientLike } from '../sentry.ts';
import {
  hookClient,
  INTEGRATION_NAME,
  inertHandle,
  type SpotlightHandle,
  type SpotlightIntegration,
  spotlightHandleOf,
  spotlightIntegration,
  stderrLog,
} from './integration.ts';
import type { SpotlightNodeOptions } from './options.ts';
import { onNewClients } from './reinit.ts';

/** `@sentry/node` as far as `init` uses it (SDK 8 to 11). */
export interface SentryNodeModule {
  init(options: Record<string, unknown>): unknown;
}

export interface SpotlightInitOptions extends SpotlightNodeOptions {
  /** The client to hook (default: the one `Sentry.init` registered, found through Sentry's global carrier). */
  readonly client?: SentryClientLike;
  /**
   * The `@sentry/node` module to initialize when there is no client yet. Pass your own import in ESM
   * apps (`init({ sentry: Sentry })`); by default it is `require`d from the app's folder.
   */
  readonly sentry?: SentryNodeModule;
  /** Options for `Sentry.init` when Spotlight initializes the SDK. */
  readonly sentryOptions?: Readonly<Record<string, unknown>>;
  /**
   * `@sentry/profiling-node` when Spotlight initializes the SDK: by default `require`d from the app's
   * folder, and when it is there every request is profiled (the SDK alone profiles nothing without a
   * DSN and a sample rate). `false` turns profiling off.
   */
  readonly profiling?: ProfilingNodeModule | false;
}

/** `@sentry/profiling-node` as far as `init` uses it. */
export interface ProfilingNodeModule {
  nodeProfilingIntegration(): { name: string };
}

interface ClientWithIntegrations extends SentryClientLike {
  getIntegrationByName?(name: string): unknown;
  addIntegration?(integration: unknown): void;
}

type Integrations = readonly { name: string }[] | ((defaults: { name: string }[]) => { name: string }[]) | undefined;

export function init(options: SpotlightInitOptions = {}): SpotlightHandle {
  const env: Env = options.env ?? process.env;
  const client = (options.client ?? findSentryClient()) as ClientWithIntegrations | undefined;
  const sentryEnvironment = client ? (client.getOptions() as { environment?: unknown }).environment : options.sentryOptions?.environment;
  const activation = spotlightActivation(env, { force: options.force, sentryEnvironment });
  if (!activation.enabled) return inertHandle(activation);
  return client ? attach(client, options) : initSentry(options, env);
}

function attach(client: ClientWithIntegrations, options: SpotlightInitOptions): SpotlightHandle {
  const log = options.log ?? stderrLog;
  const existing = spotlightHandleOf(client);
  if (existing) return existing;
  // Sentry's own Spotlight integration (its `spotlight` option, or SENTRY_SPOTLIGHT) cannot start a
  // sidecar: Spotlight does its job instead.
  if (client.getIntegrationByName?.(INTEGRATION_NAME)) return hookClient(client, options, { takeOver: true });
  if (!client.addIntegration) {
    log('this Sentry client cannot take integrations after init; add spotlightIntegration() to Sentry.init instead');
    return inertHandle({ enabled: false, reason: 'client has no addIntegration' });
  }
  const integration = spotlightIntegration(options);
  const configured = ((client.getOptions() as { integrations?: { name: string }[] }).integrations ?? []).filter(
    (i) => i.name !== INTEGRATION_NAME,
  );
  // SDKs without a DSN skip setting up their integrations at init unless one is named Spotlight*;
  // set them up now (ours first, which gives the client a transport and so enables it).
  const skipped = configured.length > 0 && configured.every((i) => !client.getIntegrationByName?.(i.name));
  client.addIntegration(integration);
  if (skipped) for (const other of configured) client.addIntegration(other);
  return integration.handle ?? inertHandle({ enabled: false, reason: 'the integration did not set up' });
}

function initSentry(options: SpotlightInitOptions, env: Env): SpotlightHandle {
  const log = options.log ?? stderrLog;
  const sentry = options.sentry ?? loadSentryNode();
  if (!sentry) {
    log('@sentry/node is not installed: install it, or call Sentry.init() yourself with spotlightIntegration()');
    return inertHandle({ enabled: false, reason: '@sentry/node is not installed' });
  }
  let integration = spotlightIntegration(options);
  const sentryOptions = options.sentryOptions ?? {};
  // Local only (no DSN): nothing leaves the machine, so record everything, request data included.
  const localOnly = !sentryOptions.dsn && !env.SENTRY_DSN;
  const profiling = profilingFor(options, sentryOptions);
  const added = profiling ? [integration, profiling.nodeProfilingIntegration()] : [integration];
  const client = sentry.init({
    tracesSampleRate: 1,
    ...(localOnly ? { sendDefaultPii: true, enableLogs: true, _experiments: { enableLogs: true } } : {}),
    // Continuous profiling while any span runs: each request's flame graph (the profiler sends `profile_chunk`s).
    ...(profiling ? { profileSessionSampleRate: 1, profileLifecycle: 'trace' } : {}),
    ...sentryOptions,
    integrations: withIntegration(sentryOptions.integrations as Integrations, added),
  });
  const first = integration.handle;
  if (!first) return inertHandle({ enabled: false, reason: 'Sentry did not set up the integration' });
  // The app may call Sentry.init itself afterwards: its client gets Spotlight too, and the handle follows it.
  const initialized = typeof client === 'object' && client !== null ? client : findSentryClient();
  if (first.enabled && initialized) {
    onNewClients(initialized, (next) => {
      const integrations = (next.getOptions() as { integrations: { name: string }[] }).integrations;
      const own = integrations.find((i): i is SpotlightIntegration => i.name === INTEGRATION_NAME && 'handle' in i);
      if (own) {
        integration = own;
        return;
      }
      // Sentry's own (SENTRY_SPOTLIGHT) gives way: Spotlight's sends everything, once.
      for (let i = integrations.length - 1; i >= 0; i--) if (integrations[i]?.name === INTEGRATION_NAME) integrations.splice(i, 1);
      integration = spotlightIntegration(options);
      integrations.push(integration);
    });
  }
  return followingHandle(() => integration.handle ?? first);
}

/** The handle of whichever client Spotlight hooked last. */
function followingHandle(current: () => SpotlightHandle): SpotlightHandle {
  return {
    get enabled() {
      return current().enabled;
    },
    get reason() {
      return current().reason;
    },
    get transport() {
      return current().transport;
    },
    sidecarUrl: () => current().sidecarUrl(),
    stats: () => current().stats(),
    flush: (timeoutMs) => current().flush(timeoutMs),
  };
}

function withIntegration(integrations: Integrations, added: readonly { name: string }[]): unknown {
  if (typeof integrations === 'function') return (defaults: { name: string }[]) => [...integrations(defaults), ...added];
  return [...(integrations ?? []), ...added];
}

/** The profiler to add, unless turned off, already configured by the app, or not installed. */
function profilingFor(options: SpotlightInitOptions, sentryOptions: Readonly<Record<string, unknown>>): ProfilingNodeModule | undefined {
  if (options.profiling === false) return undefined;
  const configured = sentryOptions.profileSessionSampleRate !== undefined || sentryOptions.profilesSampleRate !== undefined;
  const listed =
    Array.isArray(sentryOptions.integrations) &&
    sentryOptions.integrations.some((i: { name?: unknown }) => i?.name === 'ProfilingIntegration');
  if (configured || listed) return undefined;
  return (
    options.profiling ?? loadFromApp<ProfilingNodeModule>('@sentry/profiling-node', (m) => typeof m.nodeProfilingIntegration === 'function')
  );
}

/** The app's own `@sentry/node` (resolved from its folder first, then from here). */
function loadSentryNode(): SentryNodeModule | undefined {
  return loadFromApp<SentryNodeModule>('@sentry/node', (m) => typeof m.init === 'function');
}

function loadFromApp<T>(name: string, fits: (module: Partial<T>) => boolean): T | undefined {
  for (const from of [pathToFileURL(join(process.cwd(), 'package.json')).href, import.meta.url]) {
    try {
      const loaded = createRequire(from)(name) as Partial<T>;
      if (fits(loaded)) return loaded as T;
    } catch {
      // Not resolvable from there.
    }
  }
  return undefined;
}
