import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from './paths.ts';

/** The READMEs a user reads: the repository's and each package's. */
export const READMES = ['README.md', 'packages/overlay/README.md', 'packages/sdk-hooks/README.md', 'packages/sidecar/README.md'];

export interface Recipe {
  /** Where it is, e.g. `packages/overlay/README.md:23` (the line of its opening fence). */
  readonly where: string;
  /** A file name for it: `packages-overlay-README-L23.ts`. */
  readonly fileName: string;
  readonly code: string;
  /** Code for a page: marked `<!-- browser -->` on the line before its fence. */
  readonly browser: boolean;
}

const FENCE = /^```(js|javascript|ts|typescript|mjs)\s*$/;

/**
 * Every JavaScript or TypeScript block of the READMEs that imports `sentry-spotlight`: what a user copies. Each
 * must be a whole module that compiles as it stands.
 */
export function readmeRecipes(readmes: readonly string[] = READMES): Recipe[] {
  const recipes: Recipe[] = [];
  for (const readme of readmes) {
    const lines = readFileSync(`${REPO_ROOT}/${readme}`, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!FENCE.test(lines[i] ?? '')) continue;
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
      const code = `${body.join('\n')}\n`;
      if (!/from ['"]sentry-spotlight(\/[a-z]+)?['"]/.test(code)) continue;
      const where = `${relative(REPO_ROOT, `${REPO_ROOT}/${readme}`)}:${start + 1}`;
      recipes.push({
        where,
        fileName: `${readme.replace(/\.md$/, '').replace(/[/.]/g, '-')}-L${start + 1}.ts`,
        code,
        browser: (lines[start - 1] ?? '').trim() === '<!-- browser -->',
      });
    }
  }
  return recipes;
}
