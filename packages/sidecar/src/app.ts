import express, { type Express } from 'express';
import type { SidecarConfig } from './config.ts';
import type { EnvelopeStore } from './envelopeStore.ts';
import { createIngest, type EnvelopeListener } from './ingest.ts';
import type { Logger } from './logger.ts';
import { cors } from './middleware/cors.ts';
import { crossSiteGuard } from './middleware/crossSiteGuard.ts';
import { errorHandler } from './middleware/errorHandler.ts';
import { hostCheck } from './middleware/hostCheck.ts';
import { notFound } from './middleware/notFound.ts';
import { poweredBy } from './middleware/poweredBy.ts';
import { ENVELOPE_CONTENT_TYPES, readEnvelopeBody, STORE_CONTENT_TYPES } from './middleware/readEnvelopeBody.ts';
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
  const { config, store, viewers, log, info } = deps;
  const ingest = createIngest({ store, viewers, maxItems: config.maxItems, log, listeners: deps.onEnvelope, onActivity: deps.onActivity });
  const limits = { maxBodyBytes: config.maxBodyBytes, maxDecompressedBytes: config.maxDecompressedBytes };
  const envelopeBody = readEnvelopeBody(limits, ENVELOPE_CONTENT_TYPES);

  const app = express();
  app.disable('x-powered-by'); // replaced by poweredBy() below
  app.disable('etag'); // answers are live data or tiny; hashing them would only cost time
  app.set('query parser', 'simple');

  // 1. Every answer says it comes from Spotlight (tools probe X-Powered-By to find a sidecar).
  app.use(poweredBy());
  // 2. DNS-rebinding guard: 403 unless Host is loopback or an --allowed-host.
  app.use(hostCheck(config.allowedHosts));
  // 3. Cross-site guard: 403 for pages of other origins than local ones and --allowed-origin.
  const origins = new OriginPolicy(config.allowedOrigins);
  app.use(crossSiteGuard(origins));
  // 4. CORS headers for the origins let through, and preflight answers.
  app.use(cors());

  // 5. Ingest: body read and decoded by readEnvelopeBody (content type, encoding, size limits).
  app.post('/stream', envelopeBody, ingestEnvelope(ingest));
  app.post('/api/:projectId/envelope', envelopeBody, ingestEnvelope(ingest)); // trailing slash optional (non-strict routing)
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

  // 8. Anything else is a 404; every error becomes a one-line text answer (never a 500 for bad input).
  app.use(notFound());
  app.use(errorHandler(log, Math.max(config.maxBodyBytes, 1024 * 1024)));
  return app;
}
