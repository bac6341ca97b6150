/**
 * Spotlight is for development. It turns itself off where an environment *clearly* says production,
 * and nowhere else: a false positive only costs a developer one flag, a false negative spawns a
 * process and opens sockets in someone's production.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface Activation {
  readonly enabled: boolean;
  /** Why, in a few words (for debug lines and the README's table). */
  readonly reason: string;
}

const TRUE = new Set(['true', 't', 'y', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'f', 'n', 'no', 'off', '0']);

/** Reads a boolean environment variable the way Sentry's SDKs do; undefined when unset or not a boolean. */
export function envFlag(value: string | undefined): boolean | undefined {
  const text = value?.trim().toLowerCase();
  if (!text) return undefined;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

function isProductionName(value: unknown): boolean {
  return typeof value === 'string' && ['production', 'prod'].includes(value.trim().toLowerCase());
}

/**
 * The production signals, each one unambiguous:
 * - `NODE_ENV=production`
 * - `SENTRY_ENVIRONMENT=production` (or `prod`), or `environment: 'production'` passed to `Sentry.init`
 *   (the SDK's *default* environment is also called production, so only an explicit one counts)
 * - `VERCEL_ENV=production` (`vercel dev` sets `development`)
 * - running in AWS Lambda (`AWS_LAMBDA_FUNCTION_NAME`, but not under `sam local`, which sets `AWS_SAM_LOCAL`)
 *
 * Not signals: `CI` (tests are development; see `isCi`), a missing `NODE_ENV`, containers.
 */
export function productionSignal(env: Env, sentryEnvironment?: unknown): string | undefined {
  if (env.NODE_ENV?.trim().toLowerCase() === 'production') return 'NODE_ENV=production';
  if (isProductionName(env.SENTRY_ENVIRONMENT)) return `SENTRY_ENVIRONMENT=${env.SENTRY_ENVIRONMENT}`;
  if (isProductionName(sentryEnvironment)) return `Sentry environment "${String(sentryEnvironment)}"`;
  if (env.VERCEL_ENV === 'production') return 'VERCEL_ENV=production';
  if (env.AWS_LAMBDA_FUNCTION_NAME && !env.AWS_SAM_LOCAL) return 'running in AWS Lambda';
  return undefined;
}

/**
 * Whether Spotlight runs: `force: true` wins, then `SENTRY_SPOTLIGHT=false` turns it off, then
 * `SPOTLIGHT_FORCE=1` turns it on, then any production signal turns it off.
 */
export function spotlightActivation(
  env: Env,
  options: { readonly force?: boolean; readonly sentryEnvironment?: unknown } = {},
): Activation {
  if (options.force) return { enabled: true, reason: 'forced (force: true)' };
  if (envFlag(env.SENTRY_SPOTLIGHT) === false) return { enabled: false, reason: `SENTRY_SPOTLIGHT=${env.SENTRY_SPOTLIGHT}` };
  if (envFlag(env.SPOTLIGHT_FORCE)) return { enabled: true, reason: 'forced (SPOTLIGHT_FORCE)' };
  const signal = productionSignal(env, options.sentryEnvironment);
  if (signal) return { enabled: false, reason: `production (${signal})` };
  return { enabled: true, reason: 'development' };
}

/**
 * CI is development, so Spotlight sends there, but it never *starts* a sidecar in CI on its own
 * (a background process outliving a job is a surprise); a sidecar that is configured or already
 * running is used.
 */
export function isCi(env: Env): boolean {
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && envFlag(ci) !== false) return true;
  return Boolean(env.GITHUB_ACTIONS || env.GITLAB_CI || env.BUILDKITE || env.TF_BUILD || env.JENKINS_URL);
}
