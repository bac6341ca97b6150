import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built overlay's folder: the `sentry-spotlight` package's dist/, found the way Node's ESM
 * resolution finds a package (node_modules folders from here up to the root), without resolving
 * through its exports: they need not list package.json, and dist/ may not be built yet. Walked by
 * hand rather than with createRequire: node:module is not worth loading at startup for this.
 */
export function defaultOverlayDir(from: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    // As Node does, never look in node_modules/node_modules.
    if (basename(dir) !== 'node_modules') {
      const pkg = join(dir, 'node_modules', 'sentry-spotlight');
      if (existsSync(join(pkg, 'package.json'))) return join(pkg, 'dist');
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
