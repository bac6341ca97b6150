export { type SpotlightPluginOptions, spotlight } from './plugin.ts';
export type { SidecarResolution, SidecarResolver } from './sidecar.ts';
