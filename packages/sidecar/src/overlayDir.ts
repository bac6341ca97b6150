import { dirname, join } from 'node:path';

/**
 * The built overlay's folder: the `sentry-spotlight` package's dist/ (which may not be built yet),
 * found by Node's own resolution from here, or undefined when the package is not installed.
 * node:module is imported only when asked: loading it sets up Node's ES module loader, which a
 * cold start does not otherwise need (cli.test.ts checks that it is not set up at listen).
 */
export async function defaultOverlayDir(from: string = import.meta.url): Promise<string | undefined> {
  const { createRequire } = await import('node:module');
  try {
    return join(dirname(createRequire(from).resolve('sentry-spotlight/package.json')), 'dist');
  } catch {
    return undefined;
  }
}
