import * as Sentry from '@sentry/browser';
import { spotlightBrowserIntegration } from 'sentry-spotlight/browser';

// No DSN: in development everything goes to Spotlight (the overlay that the Vite plugin adds connects this SDK
// to the sidecar). Set VITE_SENTRY_DSN to send to Sentry as well; Spotlight does not change what Sentry gets.
Sentry.init({
  dsn: import.meta.env.VITE_SENTRY_DSN,
  release: 'web@1.0.0',
  environment: 'development',
  tracesSampleRate: 1.0,
  // Same-origin calls (/api, proxied to Express by Vite) carry sentry-trace and baggage: one trace across both.
  tracePropagationTargets: [/^\//],
  integrations: (defaults) => [
    // Dedupe drops an error identical to the previous one; this page throws the same error 40 times on
    // purpose, to show Spotlight grouping them into one issue.
    ...defaults.filter((integration) => integration.name !== 'Dedupe'),
    Sentry.browserTracingIntegration(),
    // Without a DSN the SDK would stay idle (no tracing, no sentry-trace/baggage to the API): this sets it up and
    // sends everything to the sidecar only. With a DSN it changes nothing for Sentry.
    spotlightBrowserIntegration(),
  ],
});

export { Sentry };
