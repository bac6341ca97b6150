/**
 * What `spotlight run` adds to the app's environment: the sidecar's `/stream` URL under
 * `SENTRY_SPOTLIGHT` (Sentry's server SDKs read it) and under the prefixes bundlers expose to browser
 * code (so `import.meta.env.VITE_SENTRY_SPOTLIGHT`, `process.env.NEXT_PUBLIC_SENTRY_SPOTLIGHT`... reach
 * the page), and every trace kept unless the app says otherwise.
 */
export const BROWSER_ENV_PREFIXES = ['VITE_', 'NEXT_PUBLIC_', 'PUBLIC_', 'NUXT_PUBLIC_', 'REACT_APP_', 'VUE_APP_', 'GATSBY_'] as const;

export const SPOTLIGHT_VARIABLE = 'SENTRY_SPOTLIGHT';
export const TRACES_SAMPLE_RATE_VARIABLE = 'SENTRY_TRACES_SAMPLE_RATE';

/** The variables to set, given the stream URL and the environment the app would otherwise get. */
export function spotlightVariables(streamUrl: string, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = { [SPOTLIGHT_VARIABLE]: streamUrl };
  for (const prefix of BROWSER_ENV_PREFIXES) out[`${prefix}${SPOTLIGHT_VARIABLE}`] = streamUrl;
  const rate = env[TRACES_SAMPLE_RATE_VARIABLE];
  out[TRACES_SAMPLE_RATE_VARIABLE] = rate !== undefined && rate !== '' ? rate : '1';
  return out;
}
