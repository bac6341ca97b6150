import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './paths.ts';

/**
 * The code block of the repository's README whose first line is `// <file>` (e.g. `// vite.config.js`),
 * without that line: the tests write the README's recipes into their apps as they stand, so a recipe
 * that stops working fails a test.
 */
export function readmeRecipe(file: string): string {
  const readme = readFileSync(`${REPO_ROOT}/README.md`, 'utf8');
  const blocks = [...readme.matchAll(/```(?:js|ts|jsx|tsx)\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const found = blocks.filter((block) => new RegExp(`^// ${file.replaceAll('.', '\\.')}(?::|$)`).test(block.split('\n')[0] ?? ''));
  if (found.length !== 1) throw new Error(`README.md has ${found.length} code blocks starting with "// ${file}"`);
  return (found[0] as string).split('\n').slice(1).join('\n');
}
