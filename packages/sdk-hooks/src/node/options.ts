import { type Env, envFlag, isCi } from '../environment.ts';
import { DEFAULT_PORT, loopbackSidecarUrl, sidecarBaseUrl } from '../url.ts';
import type { Sender } from './delivery.ts';
import type { Probe } from './health.ts';
import type { Spawner } from './launcher.ts';
import { defaultStateFile } from './stateFile.ts';

export interface SpotlightNodeOptions {
  /** The sidecar's URL (`http://localhost:8969` or its `/stream` form); wins over everything discovered. */
  readonly sidecarUrl?: string;
  /** Run even where a production signal is detected (also `SPOTLIGHT_FORCE=1`). */
  readonly force?: boolean;
  /** Start a sidecar when none answers (default: yes, except in CI). */
  readonly autoStart?: boolean;
  /** Seconds a sidecar started by these hooks lives with no sender and no viewer (default 900; `SPOTLIGHT_IDLE_EXIT`). */
  readonly idleExitSeconds?: number;
  /** Port of the default sidecar (default 8969; `SPOTLIGHT_PORT`). */
  readonly port?: number;
  /** Where a started sidecar publishes its address (default `<user cache>/spotlight/sidecar.json`; `SPOTLIGHT_STATE_FILE`). */
  readonly stateFile?: string;
  /** Record every trace, log and error locally while the upstream copy keeps the app's sampling (default true). */
  readonly unsampled?: boolean;
  /**
   * Envelopes held while the sidecar starts or is busy, and events the SDK may process at once (default
   * 10,000: what the sidecar keeps); more are dropped, counted and said.
   */
  readonly maxQueue?: number;
  /** Bytes held while the sidecar starts or is busy (default 64 MiB). */
  readonly maxQueueBytes?: number;
  /** Time limit of one send, ms (default 2000). */
  readonly sendTimeoutMs?: number;
  /** Time a lazy start may take, ms (default 5000). */
  readonly startTimeoutMs?: number;
  /** Debug lines on stderr (also `SPOTLIGHT_DEBUG=1`, or the SDK's own `debug: true`). */
  readonly debug?: boolean;
  /** Environment to read and to publish `SENTRY_SPOTLIGHT` in (default `process.env`). */
  readonly env?: Record<string, string | undefined>;
  /** Sends one envelope (default: a raw POST the app's instrumentation does not see). */
  readonly send?: Sender;
  /** Starts the sidecar process (default: detached `node <sidecar cli>`). */
  readonly spawn?: Spawner;
  /** Asks an address whether a sidecar answers (default: `GET /health`). */
  readonly probe?: Probe;
  /** The sidecar CLI script (default: the one `sentry-spotlight` ships, dist/sidecar/cli.cjs). */
  readonly cliPath?: string;
  /** Where warnings and debug lines go (default: stderr, not `console`, which the SDK records). */
  readonly log?: (line: string) => void;
}

export interface NodeConfig {
  readonly optionUrl: string | undefined;
  readonly envUrl: string | undefined;
  readonly port: number;
  readonly stateFile: string;
  readonly idleExitSeconds: number;
  readonly autoStart: boolean;
  readonly unsampled: boolean;
  readonly maxQueue: number;
  readonly maxQueueBytes: number;
  readonly sendTimeoutMs: number;
  readonly startTimeoutMs: number;
}

export const DEFAULT_IDLE_EXIT_SECONDS = 900;
/** A burst is held up to what the sidecar keeps by default (10,000 envelopes); the bytes bound guards memory. */
export const DEFAULT_MAX_QUEUE = 10_000;
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;

function envNumber(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

export function resolveConfig(options: SpotlightNodeOptions, env: Env, debug: (line: string) => void): NodeConfig {
  let optionUrl: string | undefined;
  if (options.sidecarUrl !== undefined) {
    optionUrl = sidecarBaseUrl(options.sidecarUrl);
    if (!optionUrl) debug(`ignoring sidecarUrl "${options.sidecarUrl}": not an http(s) URL`);
  }
  let envUrl: string | undefined;
  const fromEnv = env.SENTRY_SPOTLIGHT;
  // SENTRY_SPOTLIGHT=true only says "on" (Sentry's convention); a URL names the sidecar.
  if (fromEnv && envFlag(fromEnv) === undefined) {
    envUrl = loopbackSidecarUrl(fromEnv);
    if (!envUrl) debug(`ignoring SENTRY_SPOTLIGHT="${fromEnv}": only loopback URLs are honoured from the environment`);
  }
  return {
    optionUrl,
    envUrl,
    port: options.port ?? envNumber(env.SPOTLIGHT_PORT, 1, 65_535) ?? DEFAULT_PORT,
    stateFile: options.stateFile ?? defaultStateFile(env),
    idleExitSeconds: options.idleExitSeconds ?? envNumber(env.SPOTLIGHT_IDLE_EXIT, 1, 7 * 24 * 3600) ?? DEFAULT_IDLE_EXIT_SECONDS,
    autoStart: options.autoStart ?? !isCi(env),
    unsampled: options.unsampled ?? true,
    maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
    maxQueueBytes: options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
    sendTimeoutMs: options.sendTimeoutMs ?? 2000,
    startTimeoutMs: options.startTimeoutMs ?? 5000,
  };
}
