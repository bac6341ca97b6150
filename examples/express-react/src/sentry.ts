import * as Sentry from '@sentry/browser';

// The app's ordinary Sentry setup, nothing of Spotlight: in `vite dev` the Spotlight plugin (vite.config.ts)
// connects this SDK to the sidecar, DSN or not, and a production build (`vite build`) has no Spotlight in it.
// Set VITE_SENTRY_DSN to send to Sentry as well; Spotlight does not change what Sentry gets.
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
  ],
});

export { Sentry };
