import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the sidecar's CLI script sits in each package that has it: the published `sentry-spotlight`
 * bundles these hooks and the sidecar side by side; in the workspace they are @spotlight/sdk-hooks and
 * @spotlight/sidecar, built separately.
 */
const CLI_IN_PACKAGE = {
  'sentry-spotlight': 'dist/sidecar/cli.cjs',
  '@spotlight/sidecar': 'dist/cli.cjs',
} as const;

/** Why a lazy start fails when no sidecar CLI is found. */
export const SIDECAR_CLI_MISSING = 'cannot find the sidecar CLI (dist/sidecar/cli.cjs in sentry-spotlight): reinstall sentry-spotlight';

/**
 * The sidecar's CLI script, spawned directly (not through the `spotlight` bin, whose wrapper would cost
 * the lazy start a file more). First the one shipped in the same package as this code (`sentry-spotlight`,
 * from the registry or the workspace's build), then the workspace's @spotlight/sidecar, found through
 * Node's module resolution from here.
 */
export function resolveSidecarCli(from: string = import.meta.url): string | undefined {
  const own = owningPackage(dirname(fileURLToPath(from)));
  if (own?.name === 'sentry-spotlight') {
    const cli = join(own.dir, CLI_IN_PACKAGE['sentry-spotlight']);
    if (existsSync(cli)) return cli;
  }
  const require = createRequire(from);
  for (const dir of require.resolve.paths('@spotlight/sidecar') ?? []) {
    const cli = join(dir, '@spotlight', 'sidecar', CLI_IN_PACKAGE['@spotlight/sidecar']);
    if (existsSync(cli)) return cli;
  }
  return undefined;
}

/** The package a file belongs to: the nearest folder above it with a package.json that has a name. */
function owningPackage(start: string): { dir: string; name: string } | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (typeof name === 'string') return { dir, name };
      } catch {
        // Unreadable: keep looking above.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
