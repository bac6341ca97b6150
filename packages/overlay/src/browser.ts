// `sentry-spotlight/browser`: the light browser bridge alone (no overlay UI), e.g. `spotlightBrowserIntegration()`
// for a page whose Sentry SDK has no DSN while the overlay is loaded from the sidecar.
export * from '@spotlight/sdk-hooks/browser';
