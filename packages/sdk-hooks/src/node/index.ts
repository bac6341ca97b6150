// @spotlight/sdk-hooks/node: make @sentry/node (8 to 11) send everything to Spotlight in development.
export { type Delivery, type DeliveryStats, SendError, type Sender } from './delivery.ts';
export { type Discovered, DiscoveryError, type DiscoveryOptions, discoverSidecar, type SidecarSource } from './discovery.ts';
export { type Probe, probeSidecar, type SidecarProbe } from './health.ts';
export { init, type SentryNodeModule, type SpotlightInitOptions } from './init.ts';
export { INTEGRATION_NAME, type SpotlightHandle, type SpotlightIntegration, spotlightIntegration } from './integration.ts';
export type { SpawnedProcess, Spawner } from './launcher.ts';
export { DEFAULT_IDLE_EXIT_SECONDS, type SpotlightNodeOptions } from './options.ts';
export { defaultStateFile } from './stateFile.ts';
