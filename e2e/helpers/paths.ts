import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const ARTIFACTS_DIR = `${REPO_ROOT}/e2e/artifacts`;
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SIDECAR_CLI = `${REPO_ROOT}/packages/sidecar/dist/cli.cjs`;

/** What the e2e tests run: the sidecar's CLI, the overlay's bundles and the SDK hooks, all as built for users. */
export const REQUIRED_BUILD_OUTPUTS = [
  'packages/sidecar/dist/cli.cjs',
  'packages/overlay/dist/index.html',
  'packages/overlay/dist/assets/main.js',
  'packages/overlay/dist/sentry-spotlight.js',
  'packages/overlay/dist/index.d.ts',
  'packages/overlay/dist/sidecar/cli.cjs',
  'packages/sdk-hooks/dist',
];
