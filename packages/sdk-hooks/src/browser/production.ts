/**
 * The browser side of "development only". Bundlers that resolve the `production` export condition
 * (Vite, webpack, Rollup, esbuild with `--conditions`) give a production build of `sentry-spotlight` an
 * inert module, so no Spotlight code path is in it at all. This is the guard for the others: a page
 * whose bundle says production does nothing, however Spotlight was called.
 */
import { productionSignal } from '../environment.ts';

/**
 * `process.env.NODE_ENV` as the app's bundler replaced it (webpack, Vite, esbuild, Parcel and Rollup's
 * replace plugin all write "production" in a production build). Nothing defines `process` in a page
 * whose bundler left it alone: then there is no signal.
 */
function bundledNodeEnv(): string | undefined {
  try {
    return process.env.NODE_ENV;
  } catch {
    return undefined;
  }
}

/** Why Spotlight must stay off in this page, or undefined in development. `environment`: Sentry's `environment` option, when set. */
export function browserProductionSignal(environment?: unknown): string | undefined {
  return productionSignal({ NODE_ENV: bundledNodeEnv() }, environment);
}
