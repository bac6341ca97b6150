// The types of `import ... from 'sentry-spotlight'` where the resolver picks neither the `browser` nor the
// `node` export condition, as TypeScript's `moduleResolution: "bundler"` does: the file may run in either,
// so both APIs are declared, as @sentry/nextjs declares its client and server together. Only its
// declarations ship (dist/index.d.ts); no code imports it.
import type { SpotlightHandle as NodeSpotlightHandle, SpotlightInitOptions } from '@spotlight/sdk-hooks/node';
import type { SpotlightHandle, SpotlightOptions } from './index.ts';

export * from './index.ts';
export { type SpotlightInitOptions, type SpotlightIntegration, spotlightIntegration } from './node.ts';

/**
 * In a page, mounts the overlay once and returns its handle (later calls return the same handle).
 * Under Node (given `sentry` or Node options), makes `@sentry/node` send everything to Spotlight and
 * starts the sidecar when the first event needs it.
 */
export declare function init(options?: SpotlightOptions): SpotlightHandle;
export declare function init(options: SpotlightInitOptions): NodeSpotlightHandle;
