import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The sidecar's CLI script (the `spotlight` bin of `@spotlight/sidecar`), found through Node's module
 * resolution from this package. The package's `exports` do not expose its files, so its folder is
 * located on the resolution paths and its `package.json` `bin` read.
 */
export function resolveSidecarCli(from: string = import.meta.url): string | undefined {
  const require = createRequire(from);
  for (const dir of require.resolve.paths('@spotlight/sidecar') ?? []) {
    const manifest = join(dir, '@spotlight', 'sidecar', 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
      const relative = typeof bin === 'string' ? bin : bin?.spotlight;
      if (!relative) continue;
      const cli = join(dirname(manifest), relative);
      if (existsSync(cli)) return cli;
    } catch {
      // An unreadable manifest: try the next folder.
    }
  }
  return undefined;
}
