// `sentry-spotlight` under Node (the `node` export condition): the same `Spotlight.init()` makes
// @sentry/node send everything to Spotlight, starting the sidecar when the first event needs it.
export {
  init,
  type SpotlightHandle,
  type SpotlightInitOptions,
  type SpotlightIntegration,
  spotlightIntegration,
} from '@spotlight/sdk-hooks/node';
