import { createEnvelope, createItem, type Event, serializeEnvelope, utf8Encode } from '@spotlight/envelope';
import { type Env, spotlightActivation } from '../environment.ts';
import { discoverSidecar } from '../node/discovery.ts';
import { probeSidecar } from '../node/health.ts';
import { LaunchError, launchSidecar, spawnDetached } from '../node/launcher.ts';
import { resolveConfig } from '../node/options.ts';
import { rawSender } from '../node/sender.ts';
import { resolveSidecarCli, SIDECAR_CLI_MISSING } from '../node/sidecarCli.ts';
import { loopbackSidecarUrl, sidecarBaseUrl, sidecarStreamUrl } from '../url.ts';

export interface FoundSidecar {
  url: string;
  /** How it was found: option, env, state file, default, started. */
  source: string;
}

export interface FindSidecarOptions {
  sidecarUrl?: string | undefined;
  env: Env;
  /** Start one when none answers (default: yes, except in CI), exactly as the Node hooks do. */
  autoStart?: boolean;
  /** Set `SENTRY_SPOTLIGHT` in `env` to the sidecar found, so child processes send to it too. */
  publish?: boolean;
  debug?: (line: string) => void;
}

/**
 * The sidecar, found the way the Node hooks find it (the option, `SENTRY_SPOTLIGHT`, the state file a lazily
 * started sidecar published, http://localhost:8969) and started when none answers. Never throws: when nothing
 * can be found or started, the address it would have used is returned and the caller's send fails softly.
 */
export async function findSidecar(options: FindSidecarOptions): Promise<FoundSidecar> {
  const debug = options.debug ?? (() => {});
  const config = resolveConfig({ sidecarUrl: options.sidecarUrl, autoStart: options.autoStart }, options.env, debug);
  const fallback = config.optionUrl ?? config.envUrl ?? `http://localhost:${config.port}`;
  const probe = (url: string) => probeSidecar(url, 1000);
  try {
    const found = await discoverSidecar({
      ...config,
      baggageUrl: () => undefined,
      probe,
      debug,
      launch: (port) => {
        const cliPath = resolveSidecarCli();
        if (!cliPath) return Promise.reject(new LaunchError(SIDECAR_CLI_MISSING));
        return launchSidecar({
          cliPath,
          port,
          idleExitSeconds: config.idleExitSeconds,
          stateFile: config.stateFile,
          startTimeoutMs: config.startTimeoutMs,
          env: options.env,
          spawn: spawnDetached,
          probe,
          debug,
        });
      },
    });
    if (options.publish) (options.env as Record<string, string | undefined>).SENTRY_SPOTLIGHT = sidecarStreamUrl(found.url);
    return found;
  } catch (error) {
    debug(`no sidecar: ${error instanceof Error ? error.message : String(error)}`);
    return { url: fallback, source: 'unreachable' };
  }
}

/** Whether Spotlight runs here: off under production signals (`NODE_ENV=production`, ...), unless forced. */
export function isSpotlightEnabled(env: Env): boolean {
  return spotlightActivation(env).enabled;
}

/** The base URL of a sidecar address given by the developer, or undefined when it is not an http(s) URL. */
export function normalizeSidecarUrl(value: string | undefined): string | undefined {
  return value ? sidecarBaseUrl(value) : undefined;
}

/** A sidecar address as far as it is known without asking the network: option, `SENTRY_SPOTLIGHT`, the default. */
export function configuredSidecarUrl(option: string | undefined, env: Env): string {
  return (
    normalizeSidecarUrl(option) ?? (env.SENTRY_SPOTLIGHT ? loopbackSidecarUrl(env.SENTRY_SPOTLIGHT) : undefined) ?? 'http://localhost:8969'
  );
}

export function eventEnvelope(event: Event & { event_id: string }, sdk: { name: string; version: string }): Uint8Array {
  return serializeEnvelope(
    createEnvelope({ event_id: event.event_id, sent_at: new Date().toISOString(), sdk }, [
      createItem({ type: 'event', content_type: 'application/json' }, utf8Encode(JSON.stringify(event))),
    ]),
  );
}

/**
 * Posts an envelope to the sidecar's `/stream`; resolves false (never throws) when it is down or slow. The
 * request goes around the app's HTTP instrumentation, so reporting an error adds no span to the trace it reports.
 */
export async function postEnvelope(sidecarUrl: string, body: Uint8Array, timeoutMs: number): Promise<boolean> {
  try {
    await rawSender(timeoutMs)(body, sidecarStreamUrl(sidecarUrl));
    return true;
  } catch {
    return false;
  }
}
