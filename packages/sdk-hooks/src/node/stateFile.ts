/**
 * Where a lazily started sidecar publishes its address: a small JSON file (`{url, port, pid,
 * startedAt}`, written by the sidecar's `--state-file` once it listens, removed when it exits) in the
 * user's cache folder, so that every process of the user finds the same sidecar even when it had to
 * take another port than 8969.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseSidecarState, type SidecarState } from '@spotlight/envelope';
import type { Env } from '../environment.ts';
import { loopbackSidecarUrl } from '../url.ts';

/** `SPOTLIGHT_STATE_FILE`, else `<user cache dir>/spotlight/sidecar.json`. */
export function defaultStateFile(env: Env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.SPOTLIGHT_STATE_FILE) return env.SPOTLIGHT_STATE_FILE;
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'spotlight', 'sidecar.json');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'spotlight', 'sidecar.json');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'spotlight', 'sidecar.json');
}

/** The published sidecar (its URL validated: loopback only), if the file exists, parses, names a loopback URL and a process that is alive. */
export async function readState(path: string): Promise<Pick<SidecarState, 'url' | 'pid'> | undefined> {
  let data: Pick<SidecarState, 'url' | 'pid'> | undefined;
  try {
    data = parseSidecarState(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (data === undefined) return undefined;
  const url = loopbackSidecarUrl(data.url);
  if (!url || !isProcessAlive(data.pid)) return undefined;
  return { url, pid: data.pid };
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
