import express, { type Express } from 'express';
import { type AppDeps, createRoutes, type Routes } from './routes.ts';

export type { AppDeps } from './routes.ts';

/**
 * The sidecar's Express app: its routes (routes.ts, the one ordered list) inside Express. It does
 * not listen: startSidecar and the CLI do. Pass `routes` to serve a router that already serves
 * requests (startSidecar's, before Express loaded) rather than a second one.
 */
export function createApp(deps: AppDeps, routes: Routes = createRoutes(deps)): Express {
  const app = express();
  app.disable('x-powered-by'); // poweredBy() marks every answer
  app.use(routes);
  return app;
}
