import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scripts `spotlight run` looks for, in this order, when given no command. */
export const DEV_SCRIPTS = ['dev', 'develop', 'serve', 'start'] as const;

export interface PackageScript {
  readonly name: string;
  /** The package manager's command line, e.g. `['npm', 'run', 'dev']`. */
  readonly command: readonly string[];
}

/** The package manager the folder uses, from its lock file. */
export function packageManager(dir: string): string {
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn';
  if (existsSync(join(dir, 'bun.lockb')) || existsSync(join(dir, 'bun.lock'))) return 'bun';
  return 'npm';
}

/** The first of DEV_SCRIPTS that `<dir>/package.json` has, run through the folder's package manager. */
export function findDevScript(dir: string): PackageScript | undefined {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: unknown }).scripts;
  } catch {
    return undefined;
  }
  if (typeof scripts !== 'object' || scripts === null) return undefined;
  const name = DEV_SCRIPTS.find((candidate) => typeof (scripts as Record<string, unknown>)[candidate] === 'string');
  if (name === undefined) return undefined;
  return { name, command: [packageManager(dir), 'run', name] };
}
