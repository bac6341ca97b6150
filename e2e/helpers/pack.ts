/**
 * `sentry-spotlight` as a user gets it: the tarball `npm pack` makes of packages/overlay, installed into
 * an app of its own, outside the repository, with packages from the registry only. Shared by every e2e test
 * that runs the packed package (tests run one file at a time: see vitest.config.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { REPO_ROOT } from './paths.ts';

const run = promisify(execFile);

export const OVERLAY_DIR = `${REPO_ROOT}/packages/overlay`;

declare module 'vitest' {
  export interface ProvidedContext {
    /** A temporary folder that lives as long as the e2e run (e2e/setup/global-setup.ts). */
    e2eRunDir: string;
  }
}

/** The version of `sentry-spotlight` in this checkout. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(`${OVERLAY_DIR}/package.json`, 'utf8')) as { version: string }).version;
}

let packing: Promise<string> | undefined;

/**
 * Packs the built packages/overlay once per e2e run (`npm run build` first: the e2e setup checks it) and
 * returns the tarball's path, in the run's temporary folder. Later calls, from any test file of the run,
 * return the same tarball.
 */
export function packSentrySpotlight(): Promise<string> {
  packing ??= (async () => {
    const dir = join(inject('e2eRunDir'), 'pack');
    const tarball = join(dir, `sentry-spotlight-${packageVersion()}.tgz`);
    if (existsSync(tarball)) return tarball;
    const staging = mkdtempSync(join(inject('e2eRunDir'), 'packing-'));
    await run('npm', ['pack', '--pack-destination', staging, '--silent'], { cwd: OVERLAY_DIR, env: userEnv() });
    mkdirSync(dir, { recursive: true });
    renameSync(join(staging, `sentry-spotlight-${packageVersion()}.tgz`), tarball);
    rmSync(staging, { recursive: true, force: true });
    return tarball;
  })();
  return packing;
}

/**
 * Exact versions of registry packages as this workspace has them installed (for `@sentry/react`, which it
 * does not use, the version of `@sentry/browser`: Sentry releases its SDKs together). Pinned so that a temp
 * app type-checks and runs against what the workspace is tested with, and npm's cache serves them.
 */
export function registryPackages(names: readonly string[]): string[] {
  const require = createRequire(`${REPO_ROOT}/package.json`);
  return names.map((name) => {
    const installed = name === '@sentry/react' ? '@sentry/browser' : name;
    return `${name}@${(require(`${installed}/package.json`) as { version: string }).version}`;
  });
}

export interface TempApp {
  /** The app's folder (its real path), outside the repository. */
  readonly dir: string;
  /** Runs a command of the app's `node_modules/.bin` (`npx --no-install`), as a user would. */
  npx(args: readonly string[], options?: { env?: Record<string, string> }): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

/**
 * A new app in the system's temporary folder with the packed `sentry-spotlight` and `packages` (npm specs,
 * e.g. from `registryPackages`) installed from the registry. Files are written before the install.
 */
export async function createTempApp(options: { packages?: readonly string[]; files?: Record<string, string> } = {}): Promise<TempApp> {
  const tarball = await packSentrySpotlight();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'spotlight-app-')));
  if (isInside(dir, realpathSync(REPO_ROOT))) throw new Error(`the temporary app ${dir} is inside the repository`);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'spotlight-user-app', private: true, type: 'module' }, null, 2)}\n`);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...(options.packages ?? [])], {
    cwd: dir,
    env: userEnv(),
    maxBuffer: 16 * 1024 * 1024,
  });
  return {
    dir,
    npx: (args, npxOptions) =>
      run('npx', ['--no-install', ...args], { cwd: dir, env: { ...userEnv(), ...npxOptions?.env }, maxBuffer: 16 * 1024 * 1024 }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The environment of a user's shell: without what `npm test` and the test runner add (npm_* variables
 * would point npm at this workspace), CI (under which the hooks start no sidecar), or Spotlight settings.
 */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(npm_|INIT_CWD$|CI$|GITHUB_ACTIONS$|NODE_ENV$|NODE_OPTIONS$|SENTRY_|SPOTLIGHT_|VITEST)/.test(key) && key !== 'npm_config_cache')
      continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}
