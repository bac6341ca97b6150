import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * `spotlight run docker compose up`: every service gets the Spotlight variables, pointing at the host
 * (`host.docker.internal`, mapped to the host's gateway with `extra_hosts`), through an override file
 * added to the command line with `-f`. The user's files are never edited. Compose merges files in order,
 * so the override comes last; naming one file with `-f` stops Compose from reading its default files,
 * so those are named too.
 */
export const DOCKER_HOST = 'host.docker.internal';

/** Compose's default file names, in the order it looks for them. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** The length of the `docker compose` / `docker-compose` words at the start of a command line, or 0. */
export function composeCommandLength(argv: readonly string[]): number {
  if (argv[0] === 'docker-compose') return 1;
  if (argv[0] === 'docker' && argv[1] === 'compose') return 2;
  return 0;
}

/** Compose's global flags that take a value (the subcommand comes after them). */
const FLAGS_WITH_VALUE = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--project-directory',
  '--env-file',
  '--profile',
  '--ansi',
  '--progress',
  '--parallel',
]);

export interface ComposeArgs {
  /** Files named with -f/--file. */
  readonly files: readonly string[];
  /** Where the subcommand starts (the override goes just before it); the line's length when there is none. */
  readonly subcommandAt: number;
}

/** Reads the global flags of a compose command line (after the `docker compose` words). */
export function parseComposeArgs(argv: readonly string[], start: number): ComposeArgs {
  const files: string[] = [];
  let i = start;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAGS_WITH_VALUE.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
      if (name === '-f' || name === '--file') files.push(value ?? '');
      i += eq > 0 ? 1 : 2;
    } else i += 1;
  }
  return { files, subcommandAt: Math.min(i, argv.length) };
}

/**
 * The files Compose reads when none is named: `COMPOSE_FILE` (split on COMPOSE_PATH_SEPARATOR), else the
 * first default file in `dir` and its `.override` sibling.
 */
export function defaultComposeFiles(dir: string, env: Readonly<Record<string, string | undefined>>): string[] {
  if (env.COMPOSE_FILE) return env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR || delimiter).filter(Boolean);
  const main = COMPOSE_FILES.find((name) => existsSync(join(dir, name)));
  if (main === undefined) return [];
  const override = main.replace(/\.(ya?ml)$/, '.override.$1');
  return existsSync(join(dir, override)) ? [main, override] : [main];
}

/** The override: every service gets `variables` and can reach the host as host.docker.internal. JSON is YAML. */
export function composeOverride(services: readonly string[], variables: Readonly<Record<string, string>>): string {
  const entries = Object.fromEntries(
    services.map((service) => [service, { environment: { ...variables }, extra_hosts: [`${DOCKER_HOST}:host-gateway`] }]),
  );
  return `${JSON.stringify({ services: entries }, null, 2)}\n`;
}

/**
 * The command line with the override added: `docker compose [-f <default files>] -f <override> <rest>`,
 * the files inserted just before the subcommand so that they follow any the user named.
 */
export function composeCommandLine(argv: readonly string[], defaultFiles: readonly string[], overridePath: string): string[] {
  const start = composeCommandLength(argv);
  const parsed = parseComposeArgs(argv, start);
  const added: string[] = [];
  if (parsed.files.length === 0) for (const file of defaultFiles) added.push('-f', file);
  added.push('-f', overridePath);
  return [...argv.slice(0, parsed.subcommandAt), ...added, ...argv.slice(parsed.subcommandAt)];
}

/** The same command line up to the subcommand, asking Compose for its service names (`config --services`). */
export function servicesCommandLine(argv: readonly string[], defaultFiles: readonly string[]): string[] {
  const start = composeCommandLength(argv);
  const parsed = parseComposeArgs(argv, start);
  const files: string[] = [];
  if (parsed.files.length === 0) for (const file of defaultFiles) files.push('-f', file);
  return [...argv.slice(0, parsed.subcommandAt), ...files, 'config', '--services'];
}
