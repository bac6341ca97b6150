// Shared by the Node hooks, the browser bridge and the framework integrations; runs in both.
export { SPOTLIGHT_BAGGAGE_KEY, SPOTLIGHT_DSC_KEY, spotlightUrlFromBaggage } from './baggage.ts';
export { type Activation, type Env, envFlag, isCi, productionSignal, spotlightActivation } from './environment.ts';
export {
  findSentryClient,
  type SentryClientLike,
  type SentryEnvelopeLike,
  type SentrySpanLike,
  type SentryTransportLike,
} from './sentry.ts';
export { serializeSdkEnvelope } from './serialize.ts';
export { DEFAULT_PORT, isLoopbackHostname, loopbackSidecarUrl, sidecarBaseUrl, sidecarStreamUrl } from './url.ts';
