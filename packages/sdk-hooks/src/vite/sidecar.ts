import { findSidecar } from '../express/sidecar-client.ts';

export interface SidecarResolution {
  url: string;
  /** How it was found, for the one line the dev server prints. */
  source: string;
}

export type SidecarResolver = (options: { optionUrl: string | undefined; env: NodeJS.ProcessEnv }) => Promise<SidecarResolution>;

/**
 * The sidecar the dev server uses, found (or started) the way the Node hooks do it. It is published in
 * `SENTRY_SPOTLIGHT` so that what the dev server starts (an API server, SSR) sends to the same one.
 */
export const resolveSidecar: SidecarResolver = ({ optionUrl, env }) => findSidecar({ sidecarUrl: optionUrl, env, publish: true });
