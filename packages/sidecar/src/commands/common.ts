import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { sidecarBaseUrl } from '@spotlight/sdk-hooks';
import { defaultStateFile, discoverSidecar, probeSidecar } from '@spotlight/sdk-hooks/node';
import { ConfigError, DEFAULT_PORT, resolveConfig } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { PortInUseError, type Sidecar, startSidecar } from '../server.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** A command's entry point: resolves with the process's exit code. */
export type CommandMain = (argv: readonly string[], env: Env) => Promise<number>;

/** Bad arguments: the message is printed as `spotlight <command>: <message>` and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Something the command could not do (no sidecar, unreadable file): one line, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `node:util` parseArgs with one-line errors that say where to look. */
export function parseCommandArgs<T extends Options>(command: string, argv: readonly string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true, allowNegative: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${message} (see spotlight ${command} --help)`);
  }
}

/** The flags every command that talks to a sidecar takes. */
export const SIDECAR_OPTIONS = {
  port: { type: 'string', short: 'p' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new UsageError(`--port: expected a port number from 0 to 65535, got ${JSON.stringify(text)}`);
  return Number(text);
}

export interface SidecarTarget {
  /** Base URL, e.g. `http://localhost:8969`. */
  readonly url: string;
  /** The sidecar this process started, when none answered: it lives as long as the command. */
  readonly owned: Sidecar | undefined;
  /** Stops the owned sidecar, if any. */
  close(): Promise<void>;
}

export interface TargetOptions {
  /** `--url`: this sidecar, and no other. */
  readonly url?: string | undefined;
  /** `--port`: the sidecar on this port, started there when none answers; 0 always starts one on a free port. */
  readonly port?: number | undefined;
  /** Where to start one when none answers and no port was given (default: SPOTLIGHT_PORT or 8969). */
  readonly startPort?: number;
  /** Whether a sidecar may be started (export and import only read or write one that runs). */
  readonly mayStart: boolean;
  /** Extra Host names the started sidecar accepts (a Docker host name). */
  readonly allowedHosts?: readonly string[];
  readonly env: Env;
  readonly log?: Logger;
}

/**
 * Finds the sidecar to talk to, as SDK hooks do (`SENTRY_SPOTLIGHT`, the state file a started sidecar
 * publishes, the default port), or starts one in this process.
 */
export async function findOrStartSidecar(options: TargetOptions): Promise<SidecarTarget> {
  const { env } = options;
  const log = options.log ?? createLogger();
  if (options.url !== undefined) {
    const url = sidecarBaseUrl(options.url);
    if (url === undefined)
      throw new UsageError(`--url: expected an http(s) URL such as http://localhost:8969, got ${JSON.stringify(options.url)}`);
    const probe = await probeSidecar(url);
    if (probe.kind !== 'spotlight')
      throw new CommandError(`no Spotlight sidecar answers at ${url}${probe.kind === 'down' ? '' : ` (HTTP ${probe.status})`}`);
    return external(url);
  }
  let started: Sidecar | undefined;
  const start = async (port: number): Promise<string> => {
    if (!options.mayStart)
      throw new CommandError(
        `no Spotlight sidecar is running${options.port !== undefined ? ` on port ${options.port}` : ''}; start one with \`spotlight\``,
      );
    started = await startOwnSidecar(port, options, log);
    return started.url;
  };
  if (options.port !== undefined) {
    if (options.port === 0) return own(await start(0), started);
    const url = `http://localhost:${options.port}`;
    const probe = await probeSidecar(url);
    if (probe.kind === 'spotlight') return external(url);
    if (probe.kind === 'other')
      throw new CommandError(`port ${options.port} is used by another program (HTTP ${probe.status}); pick another with --port`);
    return own(await start(options.port), started);
  }
  const envPort = Number(env.SPOTLIGHT_PORT);
  const defaultPort = Number.isInteger(envPort) && envPort > 0 && envPort <= 65535 ? envPort : DEFAULT_PORT;
  const found = await discoverSidecar({
    optionUrl: undefined,
    envUrl: env.SENTRY_SPOTLIGHT ? sidecarBaseUrl(env.SENTRY_SPOTLIGHT) : undefined,
    baggageUrl: () => undefined,
    stateFile: defaultStateFile(env),
    port: defaultPort,
    autoStart: true,
    launch: (port) => start(port === defaultPort && options.startPort !== undefined ? options.startPort : port),
    probe: probeSidecar,
  });
  return found.source === 'started' ? own(found.url, started) : external(found.url);
}

function external(url: string): SidecarTarget {
  return { url, owned: undefined, close: async () => {} };
}

function own(url: string, sidecar: Sidecar | undefined): SidecarTarget {
  return { url, owned: sidecar, close: () => sidecar?.close() ?? Promise.resolve() };
}

/** Starts a sidecar in this process with the limits SPOTLIGHT_* variables set, publishing it in the state file. */
async function startOwnSidecar(port: number, options: TargetOptions, log: Logger): Promise<Sidecar> {
  let config: ReturnType<typeof resolveConfig>;
  try {
    config = resolveConfig([], options.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const { action: _action, ...settings } = config;
  const stateFile = settings.stateFile ?? defaultStateFile(options.env);
  mkdirSync(dirname(stateFile), { recursive: true });
  try {
    return await startSidecar({
      ...settings,
      port,
      allowedHosts: [...settings.allowedHosts, ...(options.allowedHosts ?? [])],
      stateFile,
      log,
    });
  } catch (error) {
    if (error instanceof PortInUseError) throw new CommandError(error.message);
    throw error;
  }
}

/** Writes to stdout and resolves once the bytes are handed to the OS (or the reader is gone). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(text, () => resolve())) process.stdout.once('error', () => resolve());
  });
}

/** Wraps a command: `--help` text, and errors as one line (exit 2 for usage, 1 otherwise). */
export function command(name: string, run: CommandMain): CommandMain {
  return async (argv, env) => {
    try {
      return await run(argv, env);
    } catch (error) {
      if (error instanceof UsageError) {
        process.stderr.write(`spotlight ${name}: ${error.message}\n`);
        return 2;
      }
      if (error instanceof CommandError) {
        process.stderr.write(`spotlight ${name}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  };
}

/** Resolves on the first SIGINT or SIGTERM (and stops listening for them). */
export function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
