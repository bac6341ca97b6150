// Loaded with `node --import ./server/instrument.mjs` so that Sentry instruments Express before it is imported.
import * as Sentry from '@sentry/node';
import { spotlightIntegration } from 'sentry-spotlight';

Sentry.init({
  // No DSN needed: in development Spotlight gets every error, span and log (and starts its sidecar when
  // none runs). With SENTRY_DSN set, Sentry gets its copy too, with the sample rates below.
  dsn: process.env.SENTRY_DSN,
  release: 'api@1.0.0',
  environment: 'development',
  tracesSampleRate: 1.0,
  enableLogs: true,
  integrations: [spotlightIntegration()],
});
