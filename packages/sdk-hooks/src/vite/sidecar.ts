import { normalizeSidecarUrl } from '../express/sidecar-client.ts';

export interface SidecarResolution {
  url: string;
  /** How it was found, for the one line the dev server prints. */
  source: string;
}

export type SidecarResolver = (options: { optionUrl: string | undefined; env: NodeJS.ProcessEnv }) => Promise<SidecarResolution>;

const DEFAULT_URL = 'http://localhost:8969';

/**
 * The sidecar the dev server uses: the option, then `SENTRY_SPOTLIGHT`, then the default address.
 * TODO(sdk-hooks/node): replace with the Node hooks' discovery and lazy start once `./node` exports it.
 */
export const resolveSidecar: SidecarResolver = async ({ optionUrl, env }) => {
  const fromOption = normalizeSidecarUrl(optionUrl);
  if (fromOption) return { url: fromOption, source: 'option' };
  const fromEnv = normalizeSidecarUrl(env.SENTRY_SPOTLIGHT);
  if (fromEnv) return { url: fromEnv, source: 'SENTRY_SPOTLIGHT' };
  return { url: DEFAULT_URL, source: 'default' };
};
