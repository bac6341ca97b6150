import express, { type Express } from 'express';
import type { SidecarConfig } from './config.ts';
import type { EnvelopeStore } from './envelopeStore.ts';
import { type RequestListener, withHotPath } from './hotPath.ts';
import { createIngest, type EnvelopeListener } from './ingest.ts';
import type { Logger } from './logger.ts';
import { cors } from './middleware/cors.ts';
import { crossSiteGuard } from './middleware/crossSiteGuard.ts';
import { errorHandler } from './middleware/errorHandler.ts';
import { hostCheck } from './middleware/hostCheck.ts';
import { notFound } from './middleware/notFound.ts';
import { poweredBy } from './middleware/poweredBy.ts';
import { ENVELOPE_CONTENT_TYPES, readEnvelopeBody, STORE_CONTENT_TYPES } from './middleware/readEnvelopeBody.ts';
import type { ErrorMiddleware, Middleware } from './middleware/types.ts';
import { OriginPolicy } from './origins.ts';
import { clear } from './routes/clear.ts';
import { envelopeById } from './routes/envelopeById.ts';
import { eventStream } from './routes/eventStream.ts';
import { health, type ServerInfo } from './routes/health.ts';
import { ingestEnvelope } from './routes/ingestEnvelope.ts';
import { overlayPage } from './routes/overlayPage.ts';
import { storeEvent } from './routes/storeEvent.ts';
import type { ViewerHub } from './viewers.ts';

export interface AppDeps {
  readonly config: SidecarConfig;
  readonly store: EnvelopeStore;
  readonly viewers: ViewerHub;
  readonly log: Logger;
  readonly info: ServerInfo;
  /** Folder of the built overlay page; undefined serves the "how to connect" page at /. */
  readonly overlayDir: string | undefined;
  /** Called with every envelope after it is stored (forwarders). */
  readonly onEnvelope?: readonly EnvelopeListener[];
  /** Called on every stored envelope (idle tracking). */
  readonly onActivity?: () => void;
}

/**
 * Builds the sidecar's Express app. It does not listen: `startSidecar` and the CLI do. The
 * middleware and routes below run in this order for every request.
 */
export function createApp(deps: AppDeps): Express {
  return buildPipeline(deps).app;
}

/**
 * The request listener `startSidecar` serves: the Express app, with the envelope ingest routes
 * dispatched straight through their middleware list (same functions, same order; see hotPath.ts).
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const { app, hotIngestChain, onError } = buildPipeline(deps);
  return withHotPath(app, hotIngestChain, onError);
}

function buildPipeline(deps: AppDeps): { app: Express; hotIngestChain: readonly Middleware[]; onError: ErrorMiddleware } {
  const { config, store, viewers, log, info } = deps;
  const ingest = createIngest({ store, viewers, maxItems: config.maxItems, log, listeners: deps.onEnvelope, onActivity: deps.onActivity });
  const limits = { maxBodyBytes: config.maxBodyBytes, maxDecompressedBytes: config.maxDecompressedBytes };

  // The middleware every request passes, in order:
  const guards: readonly Middleware[] = [
    // 1. Every answer says it comes from Spotlight (tools probe X-Powered-By to find a sidecar).
    poweredBy(),
    // 2. DNS-rebinding guard: 403 unless Host is loopback or an --allowed-host.
    hostCheck(config.allowedHosts),
    // 3. Cross-site guard: 403 for pages of other origins than local ones and --allowed-origin.
    crossSiteGuard(new OriginPolicy(config.allowedOrigins)),
    // 4. CORS headers for the origins let through, and preflight answers.
    cors(),
  ];
  // 5. Envelope ingest: the body is read and decoded by readEnvelopeBody (content type, encoding, size limits).
  const ingestEnvelopeRoute: readonly Middleware[] = [readEnvelopeBody(limits, ENVELOPE_CONTENT_TYPES), ingestEnvelope(ingest)];
  // 8. Every error becomes a one-line text answer (never a 500 for bad input).
  const onError = errorHandler(log, Math.max(config.maxBodyBytes, 1024 * 1024));

  const app = express();
  app.disable('x-powered-by'); // replaced by poweredBy()
  app.disable('etag'); // answers are live data or tiny; hashing them would only cost time
  app.set('query parser', 'simple');

  for (const guard of guards) app.use(guard);

  app.post('/stream', ...ingestEnvelopeRoute);
  app.post('/api/:projectId/envelope', ...ingestEnvelopeRoute); // trailing slash optional (non-strict routing)
  app.post('/api/:projectId/store', readEnvelopeBody(limits, STORE_CONTENT_TYPES), storeEvent(ingest));

  // 6. Viewers and control.
  app.get('/stream', eventStream(viewers, config.maxViewers));
  app.get('/health', health(info, store, viewers));
  app.delete('/clear', clear(store, viewers));
  app.get('/envelope/:id', envelopeById(store));

  // 7. The overlay page and its files (/assets/main.js...), revalidated on every load.
  app.get('/', overlayPage(deps.overlayDir, info));
  if (deps.overlayDir !== undefined) {
    app.use(
      express.static(deps.overlayDir, {
        index: false,
        cacheControl: false,
        dotfiles: 'ignore',
        setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
      }),
    );
  }

  app.use(notFound());
  app.use(onError);
  return { app, hotIngestChain: [...guards, ...ingestEnvelopeRoute], onError };
}
