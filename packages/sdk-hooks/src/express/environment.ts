import { readFile } from 'node:fs/promises';
import { hostname, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { maskRecord } from './mask.ts';

export interface PackageInfo {
  name: string;
  version: string;
  /** The folder holding the package.json: the app's root. */
  root: string;
}

/** What the page shows under "environment": Django's "settings and META", for a Node process. */
export interface EnvironmentInfo {
  nodeVersion: string;
  platform: string;
  arch: string;
  osName: string;
  osRelease: string;
  hostname: string;
  cwd: string;
  pid: number;
  argv: string[];
  nodeEnv: string | undefined;
  package: PackageInfo | undefined;
  /** Every variable, with secret-looking ones masked. */
  env: Record<string, string>;
}

export interface EnvironmentSource {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Synchronous: the error page hands these details to the SDK while it is still processing the event. */
export function collectEnvironment(source: EnvironmentSource, packageInfo: PackageInfo | undefined): EnvironmentInfo {
  const sortedEnv = Object.fromEntries(Object.entries(source.env).sort(([a], [b]) => a.localeCompare(b)));
  return {
    nodeVersion: process.version,
    platform: process.platform,
    arch: process.arch,
    osName: osType(),
    osRelease: release(),
    hostname: hostname(),
    cwd: source.cwd,
    pid: process.pid,
    argv: process.argv.slice(),
    nodeEnv: source.env.NODE_ENV,
    package: packageInfo,
    env: maskRecord(sortedEnv),
  };
}

/** The nearest package.json at or above `from` that has a name: the app being debugged. */
export async function findPackage(from: string, maxLevels = 20): Promise<PackageInfo | undefined> {
  let dir = from;
  for (let level = 0; level < maxLevels; level++) {
    const manifest = await readManifest(join(dir, 'package.json'));
    if (manifest?.name !== undefined) return { name: manifest.name, version: manifest.version ?? '0.0.0', root: dir };
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

async function readManifest(path: string): Promise<{ name?: string; version?: string } | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { name, version } = parsed as Record<string, unknown>;
    return { ...(typeof name === 'string' ? { name } : {}), ...(typeof version === 'string' ? { version } : {}) };
  } catch {
    return undefined;
  }
}
