import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SidecarProbe } from '@spotlight/envelope';
import { DEFAULT_CONFIG, type SidecarConfig } from './config.ts';
import { EnvelopeStore } from './envelopeStore.ts';
import { createForwarding, isOwnEndpoint } from './forwarding.ts';
import type { EnvelopeListener } from './ingest.ts';
import { createLogger, type Logger } from './logger.ts';
import { isLoopbackHostname } from './origins.ts';
import { probeSidecar } from './probe.ts';
import type { ServerInfo } from './routes/health.ts';
import { type AppDeps, createRoutes } from './routes.ts';
import { VERSION } from './version.ts';
import { ViewerHub } from './viewers.ts';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface SidecarOptions extends Partial<SidecarConfig> {
  readonly log?: Logger;
  /** Called with every envelope once stored (forwarders). */
  readonly onEnvelope?: readonly EnvelopeListener[];
  /** Heartbeat period in ms; overrides heartbeatSeconds (tests). */
  readonly heartbeatMs?: number;
  /** Called once after idleExitSeconds without envelopes and viewers; the default closes the sidecar. */
  readonly onIdle?: () => void;
  /** Clock (ms); injectable for tests. */
  readonly now?: () => number;
}

export interface Sidecar {
  /** Base URL, e.g. `http://localhost:8969`. */
  readonly url: string;
  readonly port: number;
  /** Addresses listening, e.g. `['127.0.0.1', '::1']`: the first at once, the others once `ready`. */
  readonly addresses: readonly string[];
  readonly config: SidecarConfig;
  readonly store: EnvelopeStore;
  readonly viewers: ViewerHub;
  /**
   * Resolves once every address listens (every route works before, on the first). Never rejects:
   * a failure is logged.
   */
  readonly ready: Promise<void>;
  /** Stops listening and ends every connection, SSE streams included. */
  close(): Promise<void>;
}

/** A --forward DSN points at the sidecar itself. */
export class ForwardLoopError extends Error {
  override readonly name = 'ForwardLoopError';
}

/** The port is taken. `existing` says whether a Spotlight sidecar holds it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly existing: SidecarProbe,
  ) {
    super(
      existing.kind === 'spotlight'
        ? `a Spotlight sidecar already runs on port ${port}${existing.pid ? ` (pid ${existing.pid})` : ''}`
        : `port ${port} on ${host} is used by another program (${existing.kind === 'other' ? `it answered HTTP ${existing.status} to GET /health` : existing.reason}); pick another with --port`,
    );
  }
}

const LOOPBACK = ['127.0.0.1', '::1'] as const;

export interface SidecarDeps extends AppDeps {
  /** Records the port once listening (health reports it). */
  readonly setPort: (port: number) => void;
  /** Milliseconds since the last envelope or viewer change. */
  readonly idleFor: () => number;
}

/** Builds everything createRoutes (and createApp) need from options, with defaults. */
export function createSidecarDeps(options: SidecarOptions = {}): SidecarDeps {
  const config: SidecarConfig = { ...DEFAULT_CONFIG, ...definedOnly(options) };
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger({ debug: config.debug });
  const store = new EnvelopeStore(
    { maxEntries: config.maxEnvelopes, maxBytes: config.maxBufferBytes, maxAgeMs: config.maxAgeSeconds * 1000 },
    now,
  );
  let lastActivity = now();
  const touch = () => {
    lastActivity = now();
  };
  const viewers = new ViewerHub({
    store,
    maxViewers: config.maxViewers,
    maxQueueBytes: config.maxViewerQueueBytes,
    heartbeatMs: options.heartbeatMs ?? config.heartbeatSeconds * 1000,
    log,
    onChange: touch,
  });
  let port = config.port;
  const info: ServerInfo = { version: VERSION, pid: process.pid, startedAt: new Date(now()), port: () => port };
  return {
    config,
    store,
    viewers,
    log,
    info,
    overlayDir: config.overlayDir,
    onEnvelope: options.onEnvelope,
    onActivity: touch,
    setPort: (bound) => {
      port = bound;
    },
    idleFor: () => now() - lastActivity,
  };
}

/**
 * Starts a sidecar: builds the app and listens on loopback (127.0.0.1, and ::1 when the machine
 * has it) or on `host`. Rejects with PortInUseError when the port is taken.
 */
export async function startSidecar(options: SidecarOptions = {}): Promise<Sidecar> {
  const log = options.log ?? createLogger({ debug: options.debug ?? false });
  const forwarding = await createForwarding(options.forward ?? [], log, options.forwardSampleRate);
  const deps = createSidecarDeps({ ...options, log, onEnvelope: [...(options.onEnvelope ?? []), ...forwarding.listeners] });
  const { config, viewers, store, info } = deps;
  // The routes are served on Express's router, without Express around it: Express's per-request
  // work (it swaps the prototypes of every request and response) cost more CPU than storing the
  // envelope, and loading it 100 ms of a cold start (bench/README.md). createApp is for embedding.
  const routes = createRoutes(deps);
  let quiet: QuietMoment | undefined;
  const listener: RequestListener = (req, res) => {
    quiet?.postpone();
    routes(req, res, (error) => {
      // Only an error in the error handler itself gets here.
      log.error(`${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      res.destroy();
    });
  };
  const hosts = config.host === undefined ? [...LOOPBACK] : [config.host];
  const servers: Server[] = [];
  const addresses: string[] = [];

  const primary = createServer(listener);
  try {
    await listen(primary, config.port, hosts[0] as string);
  } catch (error) {
    await forwarding.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(hosts[0] as string, config.port, await probeSidecar(hosts[0] as string, config.port));
    }
    throw error;
  }
  servers.push(primary);
  addresses.push(hosts[0] as string);
  const port = (primary.address() as AddressInfo).port;
  const loop = forwarding.endpoints.find((endpoint) => isOwnEndpoint(endpoint, port, config.host));
  if (loop !== undefined) {
    await new Promise<void>((done) => primary.close(() => done()));
    await forwarding.close();
    throw new ForwardLoopError(`--forward ${loop} is this sidecar: it would send every envelope back to itself`);
  }
  deps.setPort(port);
  let closing: Promise<void> | undefined;

  // Binding ::1 blocks for over 10 ms (Node compiles its IPv6 address pattern on first use): it
  // waits for the first quiet moment, so that it does not delay the envelopes an SDK sends right
  // after starting the sidecar. Clients that resolve localhost to ::1 first fall back on 127.0.0.1
  // meanwhile.
  quiet = quietMoment(QUIET_MS);
  const ready = quiet.promise.then(async () => {
    for (const host of hosts.slice(1)) {
      if (closing) return;
      const server = createServer(listener);
      try {
        await listen(server, port, host);
        servers.push(server);
        addresses.push(host);
      } catch (error) {
        // No IPv6 loopback on this machine, or someone else holds it: 127.0.0.1 serves alone.
        log.debug(`not listening on ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    // The CLI announces the sidecar only now: --idle-exit counts from here.
    deps.onActivity?.();
  });

  if (config.host !== undefined && !isLoopbackHostname(config.host)) {
    log.warn(`listening on ${config.host}: anything that can reach this address can read and send your events`);
  }
  const url = baseUrl(config.host, port);
  if (config.stateFile) {
    // node:fs is loaded only now: importing it costs a cold start a few ms.
    const { writeStateFile } = await import('./stateFile.ts');
    writeStateFile(config.stateFile, { url, port, pid: process.pid, startedAt: info.startedAt.toISOString() });
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(idleTimer);
      quiet?.end();
      await ready;
      viewers.close();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      if (config.stateFile) (await import('./stateFile.ts')).removeStateFile(config.stateFile, process.pid);
      await forwarding.close();
    })();
    return closing;
  };

  let idleTimer: NodeJS.Timeout | undefined;
  if (config.idleExitSeconds > 0) {
    const idleMs = config.idleExitSeconds * 1000;
    idleTimer = setInterval(
      () => {
        if (viewers.count > 0 || deps.idleFor() < idleMs) return;
        clearInterval(idleTimer);
        log.info(`no envelope and no viewer for ${config.idleExitSeconds} s: stopping (--idle-exit)`);
        if (options.onIdle) options.onIdle();
        else void close();
      },
      Math.min(1000, Math.max(10, idleMs / 4)),
    );
    idleTimer.unref();
  }

  return { url, port, addresses, config, store, viewers, ready, close };
}

/** How long the server must go without a request to count as quiet. */
const QUIET_MS = 50;

interface QuietMoment {
  readonly promise: Promise<void>;
  /** Restarts the wait (a request came). */
  postpone(): void;
  /** Ends the wait at once (the sidecar is closing). */
  end(): void;
}

/** The first moment, from now, when `quietMs` pass without a request. */
function quietMoment(quietMs: number): QuietMoment {
  let end = () => {};
  const promise = new Promise<void>((resolve) => {
    end = resolve;
  });
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    timer = undefined;
    end();
  }, quietMs);
  timer.unref();
  return {
    promise,
    postpone: () => timer?.refresh(),
    end: () => {
      clearTimeout(timer);
      timer = undefined;
      end();
    },
  };
}

/** SDKs keep their connection to the sidecar; Node's 5 s default would make them reconnect between bursts. */
const KEEP_ALIVE_MS = 65_000;

function createServer(listener: RequestListener): Server {
  const server = createHttpServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

/** The URL to print and hand out: `localhost` for loopback and wildcard binds, so browsers and SDKs on either IP family reach it. */
export function baseUrl(host: string | undefined, port: number): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** The configuration keys of the options that are set (undefined means "the default"). */
function definedOnly(options: SidecarOptions): Partial<SidecarConfig> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof SidecarConfig)[]) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out as Partial<SidecarConfig>;
}
