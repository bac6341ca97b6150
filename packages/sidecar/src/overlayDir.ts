import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The built overlay's folder: the `sentry-spotlight` package's dist/, found the way Node would find
 * the package from here (its exports need not list package.json, and dist/ may not be built yet).
 */
export function defaultOverlayDir(from: string = import.meta.url): string | undefined {
  const paths = createRequire(from).resolve.paths('sentry-spotlight') ?? [];
  for (const dir of paths) {
    if (existsSync(join(dir, 'sentry-spotlight', 'package.json'))) return join(dir, 'sentry-spotlight', 'dist');
  }
  return undefined;
}
