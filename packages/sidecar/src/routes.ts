import Router from 'router';
import type { SidecarConfig } from './config.ts';
import type { EnvelopeStore } from './envelopeStore.ts';
import { createIngest, type EnvelopeListener } from './ingest.ts';
import type { Logger } from './logger.ts';
import { mcpRoute } from './mcp/route.ts';
import { cors } from './middleware/cors.ts';
import { crossSiteGuard } from './middleware/crossSiteGuard.ts';
import { errorHandler } from './middleware/errorHandler.ts';
import { hostCheck } from './middleware/hostCheck.ts';
import { lazy } from './middleware/lazy.ts';
import { notFound } from './middleware/notFound.ts';
import { poweredBy } from './middleware/poweredBy.ts';
import { ENVELOPE_CONTENT_TYPES, readEnvelopeBody, STORE_CONTENT_TYPES } from './middleware/readEnvelopeBody.ts';
import { OriginPolicy } from './origins.ts';
import { otlpExport, otlpMetrics } from './otlp/route.ts';
import { clear } from './routes/clear.ts';
import { connectPage } from './routes/connectPage.ts';
import { envelopeById } from './routes/envelopeById.ts';
import { eventStream } from './routes/eventStream.ts';
import { health, type ServerInfo } from './routes/health.ts';
import { ingestEnvelope } from './routes/ingestEnvelope.ts';
import { overlayFiles } from './routes/overlayFiles.ts';
import { storeEvent } from './routes/storeEvent.ts';
import { createEnvelopeSymbolicator } from './symbolicateEnvelope.ts';
import type { ViewerHub } from './viewers.ts';

export interface AppDeps {
  readonly config: SidecarConfig;
  readonly store: EnvelopeStore;
  readonly viewers: ViewerHub;
  readonly log: Logger;
  readonly info: ServerInfo;
  /** Folder of the built overlay page; undefined: sentry-spotlight's dist/ (see overlayFiles). */
  readonly overlayDir: string | undefined;
  /** Called with every envelope after it is stored (forwarders). */
  readonly onEnvelope?: readonly EnvelopeListener[];
  /** Called on every stored envelope (idle tracking). */
  readonly onActivity?: () => void;
}

/** Express's own router (the `router` package, which Express 5 is built on), holding the sidecar's routes. */
export type Routes = import('router').Router;

/**
 * Every middleware and route of the sidecar, in the order a request meets them: plain Node
 * middleware on Express's router. startSidecar serves this router as it is; createApp (app.ts)
 * puts it in an Express app, for embedding. A new route is one line here, its handler a file in
 * routes/; a format that is not an envelope converts its body and calls the same `ingest`.
 */
export function createRoutes(deps: AppDeps): Routes {
  const { config, store, viewers, log, info } = deps;
  const ingest = createIngest({
    store,
    viewers,
    maxItems: config.maxItems,
    log,
    listeners: deps.onEnvelope,
    onActivity: deps.onActivity,
    symbolicate: createEnvelopeSymbolicator({ sourceRoots: config.sourceRoots.length > 0 ? config.sourceRoots : [process.cwd()] }),
  });
  const limits = { maxBodyBytes: config.maxBodyBytes, maxDecompressedBytes: config.maxDecompressedBytes };
  const routes = new Router();

  // Every answer says it comes from Spotlight (tools probe X-Powered-By to find a sidecar).
  routes.use(poweredBy());
  // DNS-rebinding guard: 403 unless Host is loopback or an --allowed-host.
  routes.use(hostCheck(config.allowedHosts));
  // Cross-site guard: 403 for pages of other origins than local ones and --allowed-origin, and for cross-site requests without Origin.
  routes.use(crossSiteGuard(new OriginPolicy(config.allowedOrigins)));
  // CORS headers for the origins let through, and preflight answers.
  routes.use(cors());

  // Envelope ingest: the body is read into req.body (content type, encoding and size limits), then stored.
  const readEnvelope = readEnvelopeBody(limits, ENVELOPE_CONTENT_TYPES);
  routes.post('/stream', readEnvelope, ingestEnvelope(ingest));
  routes.post('/api/:projectId/envelope', readEnvelope, ingestEnvelope(ingest)); // trailing slash optional
  routes.post('/api/:projectId/store', readEnvelopeBody(limits, STORE_CONTENT_TYPES), storeEvent(ingest));
  // OTLP/HTTP: traces and logs become envelopes and take the same ingest path (otlp/route.ts).
  const otlp = { ingest, limits, maxItems: config.maxItems, log };
  routes.post('/v1/traces', otlpExport('traces', otlp));
  routes.post('/v1/logs', otlpExport('logs', otlp));
  routes.post('/v1/metrics', otlpMetrics(otlp));

  // Viewers and control.
  routes.get('/stream', eventStream(viewers, config.maxViewers));
  routes.get('/health', health(info, store, viewers));
  routes.delete('/clear', clear(store, viewers));
  routes.get('/envelope/:id', envelopeById(store));
  // A session file of what is held (GET; or of one trace or session), or of the envelopes a POST names;
  // the overlay's data layer it uses loads with the first export.
  const exported = lazy(async () => (await import('./routes/export.ts')).exportSession(store));
  routes.get('/export', exported);
  routes.post('/export', exported);
  routes.all('/mcp', mcpRoute(store, viewers)); // MCP over Streamable HTTP; loads the MCP SDK on first use

  // The overlay page and its files; until it is built, / explains how to connect an SDK.
  routes.use(overlayFiles(deps.overlayDir));
  routes.get('/', connectPage(info));

  // Anything else is a 404, and every error becomes a one-line text answer (never a 500 for bad input).
  routes.use(notFound());
  routes.use(errorHandler(log, Math.max(config.maxBodyBytes, 1024 * 1024)));
  return routes;
}
