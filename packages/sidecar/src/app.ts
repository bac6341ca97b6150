import express, { type Express } from 'express';
import { mcpRoute } from './mcp/route.ts';
import { notFound } from './middleware/notFound.ts';
import { otlpExport, otlpMetrics } from './otlp/route.ts';
import { defaultOverlayDir } from './overlayDir.ts';
import { type AppDeps, createPipeline, type Pipeline } from './pipeline.ts';
import { exportSession } from './routes/export.ts';
import { overlayPage } from './routes/overlayPage.ts';

export type { AppDeps } from './pipeline.ts';

/**
 * Builds the sidecar's Express app. It does not listen: `startSidecar` and the CLI do. Every
 * request meets the middleware and routes below in this order (numbered as in pipeline.ts).
 * `pipeline` lets the hot path and the app share the very same middleware instances.
 */
export function createApp(deps: AppDeps, pipeline: Pipeline = createPipeline(deps)): Express {
  const app = express();
  app.disable('x-powered-by'); // replaced by poweredBy()
  app.disable('etag'); // answers are live data or tiny; hashing them would only cost time
  app.set('query parser', 'simple');

  // 1-4. Powered-by, Host check, cross-site guard, CORS.
  for (const guard of pipeline.guards) app.use(guard);

  // 5. Envelope ingest.
  app.post('/stream', ...pipeline.ingestEnvelope);
  app.post('/api/:projectId/envelope', ...pipeline.ingestEnvelope); // trailing slash optional (non-strict routing)
  app.post('/api/:projectId/store', ...pipeline.storeEvent);
  // OTLP/HTTP: traces and logs become envelopes and take the same ingest path (otlp/route.ts).
  const otlp = { ingest: pipeline.ingest, limits: deps.config, maxItems: deps.config.maxItems, log: deps.log };
  app.post('/v1/traces', otlpExport('traces', otlp));
  app.post('/v1/logs', otlpExport('logs', otlp));
  app.post('/v1/metrics', otlpMetrics(otlp));

  // 6. Viewers and control.
  app.get('/stream', pipeline.eventStream);
  app.get('/health', pipeline.health);
  app.delete('/clear', pipeline.clear);
  app.get('/envelope/:id', pipeline.envelopeById);
  const exported = exportSession(deps.store);
  app.get('/export', exported); // a session file of what is held (or of one trace or session)
  app.post('/export', exported); // of the envelopes named in the body
  app.all('/mcp', mcpRoute(deps.store, deps.viewers)); // MCP over Streamable HTTP; loads the MCP SDK on first use

  // 7. The overlay page and its files (/assets/main.js...), revalidated on every load.
  const overlayDir = deps.overlayDir ?? defaultOverlayDir();
  app.get('/', overlayPage(overlayDir, deps.info));
  if (overlayDir !== undefined) {
    app.use(
      express.static(overlayDir, {
        index: false,
        cacheControl: false,
        dotfiles: 'ignore',
        setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
      }),
    );
  }

  app.use(notFound());
  // 8. Every error becomes a one-line text answer.
  app.use(pipeline.onError);
  return app;
}
