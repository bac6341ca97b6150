import type { RequestHandler } from 'express';
import type { SidecarConfig } from './config.ts';
import type { EnvelopeStore } from './envelopeStore.ts';
import { createIngest, type EnvelopeListener, type Ingest } from './ingest.ts';
import type { Logger } from './logger.ts';
import { cors } from './middleware/cors.ts';
import { crossSiteGuard } from './middleware/crossSiteGuard.ts';
import { errorHandler } from './middleware/errorHandler.ts';
import { hostCheck } from './middleware/hostCheck.ts';
import { poweredBy } from './middleware/poweredBy.ts';
import { ENVELOPE_CONTENT_TYPES, readEnvelopeBody, STORE_CONTENT_TYPES } from './middleware/readEnvelopeBody.ts';
import type { ErrorMiddleware, Middleware } from './middleware/types.ts';
import { OriginPolicy } from './origins.ts';
import { clear } from './routes/clear.ts';
import { envelopeById } from './routes/envelopeById.ts';
import { eventStream } from './routes/eventStream.ts';
import { health, type ServerInfo } from './routes/health.ts';
import { ingestEnvelope } from './routes/ingestEnvelope.ts';
import { storeEvent } from './routes/storeEvent.ts';
import { createEnvelopeSymbolicator } from './symbolicateEnvelope.ts';
import type { ViewerHub } from './viewers.ts';

export interface AppDeps {
  readonly config: SidecarConfig;
  readonly store: EnvelopeStore;
  readonly viewers: ViewerHub;
  readonly log: Logger;
  readonly info: ServerInfo;
  /**
   * Folder of the built overlay page. Undefined: sentry-spotlight's dist/, looked up when the app is
   * built (not at startup: it touches the file system); without it / explains how to connect.
   */
  readonly overlayDir: string | undefined;
  /** Called with every envelope after it is stored (forwarders). */
  readonly onEnvelope?: readonly EnvelopeListener[];
  /** Called on every stored envelope (idle tracking). */
  readonly onActivity?: () => void;
}

/**
 * The sidecar's middleware and route handlers, numbered in the order every request meets them.
 * createApp (app.ts) mounts them all on Express; the hot path (hotPath.ts) runs the guards and the
 * routes SDKs hit most through the very same functions, before Express is even loaded. This module
 * must not import Express (see requestListener.ts).
 */
export interface Pipeline {
  /** The one path every envelope takes (routes that make envelopes of other input, such as OTLP, use it too). */
  readonly ingest: Ingest;
  /** 1-4: every request passes these, in this order. */
  readonly guards: readonly Middleware[];
  /** 5: `POST /stream` and `POST /api/:projectId/envelope[/]`. */
  readonly ingestEnvelope: readonly Middleware[];
  /** 5: `POST /api/:projectId/store[/]`. */
  readonly storeEvent: readonly Middleware[];
  /** 6: `GET /stream`, `GET /health`, `DELETE /clear`, `GET /envelope/:id` (those two read Express's query and params). */
  readonly eventStream: RequestHandler;
  readonly health: Middleware;
  readonly clear: Middleware;
  readonly envelopeById: RequestHandler;
  // 7, the overlay page and its files, is createApp's alone: finding the overlay touches the file system.
  /** 8: every error becomes a one-line text answer. */
  readonly onError: ErrorMiddleware;
}

export function createPipeline(deps: AppDeps): Pipeline {
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
  return {
    ingest,
    guards: [
      // 1. Every answer says it comes from Spotlight (tools probe X-Powered-By to find a sidecar).
      poweredBy(),
      // 2. DNS-rebinding guard: 403 unless Host is loopback or an --allowed-host.
      hostCheck(config.allowedHosts),
      // 3. Cross-site guard: 403 for pages of other origins than local ones and --allowed-origin.
      crossSiteGuard(new OriginPolicy(config.allowedOrigins)),
      // 4. CORS headers for the origins let through, and preflight answers.
      cors(),
    ],
    // 5. Envelope ingest: the body is read and decoded by readEnvelopeBody (content type, encoding, size limits).
    ingestEnvelope: [readEnvelopeBody(limits, ENVELOPE_CONTENT_TYPES), ingestEnvelope(ingest)],
    storeEvent: [readEnvelopeBody(limits, STORE_CONTENT_TYPES), storeEvent(ingest)],
    // 6. Viewers and control.
    eventStream: eventStream(viewers, config.maxViewers),
    health: health(info, store, viewers),
    clear: clear(store, viewers),
    envelopeById: envelopeById(store),
    // 7. The overlay page and its files: see createApp.
    // 8. Every error becomes a one-line text answer (never a 500 for bad input).
    onError: errorHandler(log, Math.max(config.maxBodyBytes, 1024 * 1024)),
  };
}
