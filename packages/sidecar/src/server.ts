import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CONFIG, type SidecarConfig } from './config.ts';
import { EnvelopeStore } from './envelopeStore.ts';
import { createForwarding, isOwnEndpoint } from './forwarding.ts';
import type { RequestListener } from './hotPath.ts';
import { createIdGenerator } from './ids.ts';
import type { EnvelopeListener } from './ingest.ts';
import { createLogger, type Logger } from './logger.ts';
import { isLoopbackHostname } from './origins.ts';
import type { AppDeps } from './pipeline.ts';
import { type ProbeResult, probeSidecar } from './probe.ts';
import { createRequestListener } from './requestListener.ts';
import type { ServerInfo } from './routes/health.ts';
import { VERSION } from './version.ts';
import { ViewerHub } from './viewers.ts';

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
   * Resolves once every address listens and the whole app is loaded (envelope ingest and /health
   * work before). Never rejects: a failure is logged.
   */
  readonly ready: Promise<void>;
  /** Stops listening and ends every connection, SSE streams included. */
  close(): Promise<void>;
}

/** The port is taken. `existing` says whether a Spotlight sidecar holds it. */
/** A --forward DSN points at the sidecar itself. */
export class ForwardLoopError extends Error {
  override readonly name = 'ForwardLoopError';
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly existing: ProbeResult,
  ) {
    super(
      existing.kind === 'spotlight'
        ? `a Spotlight sidecar already runs on port ${port}${existing.health.pid ? ` (pid ${existing.health.pid})` : ''}`
        : `port ${port} on ${host} is used by another program${existing.kind === 'other' ? ` (${existing.detail})` : ''}; pick another with --port`,
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

/** Builds everything createApp needs from options, with defaults. */
export function createSidecarDeps(options: SidecarOptions = {}): SidecarDeps {
  const config: SidecarConfig = { ...DEFAULT_CONFIG, ...definedOnly(options) };
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger({ debug: config.debug });
  const store = new EnvelopeStore(
    { maxEntries: config.maxEnvelopes, maxBytes: config.maxBufferBytes, maxAgeMs: config.maxAgeSeconds * 1000 },
    createIdGenerator({ now }),
    now,
    () => viewers.oldestFrameInFlight,
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
  const listener = createRequestListener(deps);
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

  // Envelopes to the first address are taken from here on. The other addresses and the rest of the
  // app wait for the first quiet moment: loading Express blocks for about 100 ms, and binding ::1
  // for over 10 (Node compiles its IPv6 address pattern on first use). Clients that resolve
  // localhost to ::1 first fall back on 127.0.0.1 meanwhile.
  const ready = listener.whenQuiet().then(async () => {
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
    if (!closing) await listener.loadApp().catch(() => {}); // a failure is logged and answered by the listener
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
      listener.close();
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
