import type { Plugin, ViteDevServer } from 'vite';
import packageJson from '../../package.json' with { type: 'json' };
import { eventEnvelope, isSpotlightEnabled, postEnvelope } from '../express/sidecar-client.ts';
import { keepSidecar } from '../express/sidecar-keeper.ts';
import type { SidecarProbe } from '../node/health.ts';
import { asViteError, buildErrorEvent, errorKey, type ViteErrorLike } from './build-error-event.ts';
import {
  CLIENT_MODULE_ID,
  CLIENT_MODULE_URL,
  clientModuleCode,
  ERROR_EVENT,
  HOOK_PATH,
  READY_EVENT,
  RESOLVED_CLIENT_MODULE_ID,
} from './client-module.ts';
import { resolveSidecar, type SidecarResolver } from './sidecar.ts';

export interface SpotlightPluginOptions {
  /** The sidecar's URL. Default: found (and started when none answers) like the Node hooks do. */
  sidecarUrl?: string;
  /** More `Spotlight.init()` options for the page (anchor, showTriggerButton, ...). */
  initOptions?: Record<string, unknown>;
  /** Show build and transform errors in Spotlight instead of Vite's own overlay. Default true. */
  replaceErrorOverlay?: boolean;
  /** @internal Tests swap how the sidecar is found. */
  resolveSidecar?: SidecarResolver;
  /** @internal Tests swap how the sidecar is asked whether it is up. */
  probeSidecar?: (url: string) => Promise<SidecarProbe>;
}

const SDK = { name: 'spotlight.vite', version: packageJson.version };
/** Vite logs an error, then sends it to the browser: one report for both. */
const DUPLICATE_WINDOW_MS = 2000;
/** A browser that loads after a failed compile still gets the error, if it is this recent and unresolved. */
const PENDING_ERROR_MS = 60_000;
/** A page load asks the sidecar whether it is up, at most this often (several HTML pages loading at once). */
const HEALTH_CACHE_MS = 1000;

/**
 * `spotlight()`: in `vite dev` only (the plugin does not apply to `vite build`), finds or starts the sidecar,
 * adds the overlay to every page, and shows build and transform errors in Spotlight (as events with file,
 * line, column and source context) in place of Vite's error overlay.
 */
export function spotlight(options: SpotlightPluginOptions = {}): Plugin {
  const replaceOverlay = options.replaceErrorOverlay !== false;
  const resolve = options.resolveSidecar ?? resolveSidecar;
  let sidecarUrl = '';
  let server: ViteDevServer | undefined;
  // A sidecar the plugin started exits once idle (no page open, nothing sent: the tab was closed over lunch);
  // the next page load starts it again. The Express helpers keep theirs the same way.
  const keeper = keepSidecar({
    sidecarUrl: options.sidecarUrl,
    env: process.env,
    publish: true,
    ttlMs: HEALTH_CACHE_MS,
    find: (found) => resolve({ optionUrl: found.sidecarUrl, env: found.env }),
    ...(options.probeSidecar ? { probe: options.probeSidecar } : {}),
  });

  const ensureSidecar = async (): Promise<void> => {
    const found = await keeper.ensure();
    if (found.url === sidecarUrl) return;
    // The page's client module holds the address: pages must load it anew.
    if (server && sidecarUrl) invalidateClientModule(server);
    sidecarUrl = found.url;
    server?.config.logger.info(`  Spotlight: ${sidecarUrl} (${found.source})`, { timestamp: true });
  };

  return {
    name: 'spotlight',
    // `vite build` never sees the plugin; nor does a dev server where the environment says production.
    apply: (_config, { command }) => command === 'serve' && isSpotlightEnabled(process.env),

    config(userConfig) {
      // `hmr: false` turns the HMR channel off entirely; an object here would turn it back on.
      if (!replaceOverlay || userConfig.server?.hmr === false) return undefined;
      return { server: { hmr: { overlay: false } } };
    },

    async configureServer(devServer) {
      server = devServer;
      await ensureSidecar();
      if (replaceOverlay) reportErrors(devServer, () => sidecarUrl);
    },

    resolveId(id) {
      return id === CLIENT_MODULE_ID ? RESOLVED_CLIENT_MODULE_ID : undefined;
    },

    load(id) {
      if (id !== RESOLVED_CLIENT_MODULE_ID) return undefined;
      return clientModuleCode({ ...options.initOptions, sidecarUrl });
    },

    async transformIndexHtml() {
      await ensureSidecar();
      // Both before the app's scripts (module scripts run in document order): the client module seeds the
      // page's options and loads the overlay; the hook, served by the sidecar, connects the page's Sentry SDK
      // before the app calls `Sentry.init`, so that a page without a DSN captures from its first render on.
      return [
        { tag: 'script', attrs: { type: 'module', src: CLIENT_MODULE_URL }, injectTo: 'head-prepend' },
        { tag: 'script', attrs: { type: 'module', src: `${sidecarUrl}${HOOK_PATH}` }, injectTo: 'head-prepend' },
      ];
    },
  };
}

/** The client module holds the sidecar's address: when the sidecar came back elsewhere, pages must load it anew. */
function invalidateClientModule(server: ViteDevServer): void {
  const graph = server.environments?.client?.moduleGraph ?? server.moduleGraph;
  const module = graph.getModuleById(RESOLVED_CLIENT_MODULE_ID);
  if (module) graph.invalidateModule(module);
}

interface ReportedError {
  eventId: string;
  at: number;
}

/** Hooks the two places Vite reports errors: its logger (with the error object) and the HMR channel to the browser. */
function reportErrors(server: ViteDevServer, sidecar: () => string): void {
  const recent = new Map<string, ReportedError>();
  let pending: ReportedError | undefined;
  const hot = server.environments?.client?.hot ?? server.ws;
  const send = hot.send.bind(hot) as (...args: unknown[]) => void;

  const report = (error: ViteErrorLike): void => {
    const key = errorKey(error);
    const now = Date.now();
    const seen = recent.get(key);
    if (seen && now - seen.at < DUPLICATE_WINDOW_MS) return;
    const entry: ReportedError = { eventId: '', at: now };
    recent.set(key, entry);
    for (const [other, { at }] of recent) if (now - at > DUPLICATE_WINDOW_MS) recent.delete(other);
    void buildErrorEvent(error, { root: server.config.root, sdk: SDK }).then(async (event) => {
      entry.eventId = event.event_id;
      pending = entry;
      const delivered = await postEnvelope(sidecar(), eventEnvelope(event, SDK), 2000);
      if (!delivered) server.config.logger.warn(`  Spotlight: could not send the error to ${sidecar()}`);
      send({ type: 'custom', event: ERROR_EVENT, data: { eventId: event.event_id } });
    });
  };

  const logger = server.config.logger;
  const logError = logger.error.bind(logger);
  logger.error = (message, logOptions) => {
    const error = asViteError(logOptions?.error);
    if (error) report(error);
    logError(message, logOptions);
  };

  hot.send = ((...args: unknown[]) => {
    const [payload] = args;
    if (payload !== null && typeof payload === 'object') {
      const { type, err } = payload as { type?: unknown; err?: unknown };
      if (type === 'error') {
        const error = asViteError(err);
        if (error) report(error);
      } else if (type === 'update' || type === 'full-reload') {
        // The code changed and compiled: the last error is resolved.
        pending = undefined;
      }
    }
    send(...args);
  }) as typeof hot.send;

  // A page that loads after the error (the entry failed to compile, so the page reloaded) asks for it.
  hot.on(READY_EVENT, (_data: unknown, client: { send(event: string, payload?: unknown): void }) => {
    if (pending?.eventId && Date.now() - pending.at < PENDING_ERROR_MS) client.send(ERROR_EVENT, { eventId: pending.eventId });
  });
}
