/**
 * Starts a sidecar when none answers: a detached `spotlight` process that outlives the app (other
 * processes keep using it) and exits on its own after an idle period. Several processes starting at
 * once must end with exactly one sidecar: a lock file lets one of them spawn while the others wait,
 * and the port is the last word (a sidecar that cannot bind because a Spotlight already answers exits
 * 0, and everyone uses the one that answers).
 */
import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Env } from '../environment.ts';
import type { Probe } from './health.ts';
import { isProcessAlive, readState } from './stateFile.ts';

export interface SpawnedProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit code (null when killed or when it could not start). */
  readonly exited: Promise<number | null>;
}

export type Spawner = (command: string, args: readonly string[], env: Env) => SpawnedProcess;

/** Spawns a process that does not hold the app: detached, no stdio, unreferenced. */
export const spawnDetached: Spawner = (command, args, env) => {
  const child = spawn(command, args, { detached: true, stdio: 'ignore', env: { ...env }, windowsHide: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  child.unref();
  return { pid: child.pid, exited };
};

export interface LaunchOptions {
  readonly cliPath: string;
  /** Port to ask for; 0 lets the sidecar pick a free one (then only the state file tells where). */
  readonly port: number;
  readonly idleExitSeconds: number;
  readonly stateFile: string;
  readonly startTimeoutMs: number;
  /** Environment the app runs with; the sidecar gets it minus what would instrument it. */
  readonly env: Env;
  readonly spawn: Spawner;
  readonly probe: Probe;
  readonly debug?: (line: string) => void;
  readonly now?: () => number;
}

/** How long to keep looking after the spawned sidecar failed, for a winner that was still starting. */
const EXIT_GRACE_MS = 1000;

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

/** Starts (or waits for another process to start) a sidecar; resolves with its base URL. */
export async function launchSidecar(options: LaunchOptions): Promise<string> {
  const now = options.now ?? Date.now;
  const debug = options.debug ?? (() => {});
  const deadline = now() + options.startTimeoutMs;
  const lockPath = `${options.stateFile}.lock`;
  await mkdir(dirname(options.stateFile), { recursive: true });

  let owned = await tryLock(lockPath);
  if (!owned && (await lockIsStale(lockPath, options.startTimeoutMs * 2, now()))) {
    await rm(lockPath, { force: true });
    owned = await tryLock(lockPath);
  }
  try {
    let child: SpawnedProcess | undefined;
    let exitCode: number | null | undefined;
    if (owned) {
      // Another process may have finished starting one between our probe and our lock.
      const running = await findRunning(options);
      if (running) return running;
      const args = [
        options.cliPath,
        '--port',
        String(options.port),
        '--idle-exit',
        String(options.idleExitSeconds),
        '--state-file',
        options.stateFile,
      ];
      child = options.spawn(process.execPath, args, sidecarEnv(options.env));
      void child.exited.then((code) => {
        exitCode = code;
      });
      debug(`started a sidecar (pid ${child.pid ?? '?'}) on port ${options.port === 0 ? 'any free port' : options.port}`);
    } else {
      debug('another process is starting a sidecar; waiting for it');
    }
    let delay = 20;
    let end = deadline;
    while (now() < end) {
      const running = await findRunning(options);
      if (running) return running;
      // Exit code 0 means it found a Spotlight already answering (a race lost): keep looking for that
      // one. Any other code: it could not bind, perhaps because a winner was still starting; give
      // that winner a moment, then fail.
      if (exitCode !== undefined && exitCode !== 0 && end === deadline) end = Math.min(deadline, now() + EXIT_GRACE_MS);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 200);
    }
    if (exitCode !== undefined && exitCode !== 0) throw new LaunchError(`the sidecar exited with code ${String(exitCode)}`);
    throw new LaunchError(`no sidecar answered within ${options.startTimeoutMs}ms`);
  } finally {
    if (owned) await rm(lockPath, { force: true });
  }
}

/** A sidecar answering where the state file or the requested port says, if any. */
async function findRunning(options: LaunchOptions): Promise<string | undefined> {
  const state = await readState(options.stateFile);
  if (state && (await options.probe(state.url)).kind === 'spotlight') return state.url;
  if (options.port !== 0) {
    const url = `http://localhost:${options.port}`;
    if ((await options.probe(url)).kind === 'spotlight') return url;
  }
  return undefined;
}

/**
 * The sidecar must not load the app's instrumentation (`NODE_OPTIONS=--import ./instrument.mjs` would
 * make it report to itself), and the app's Spotlight settings are passed as flags instead.
 */
function sidecarEnv(env: Env): Env {
  const { NODE_OPTIONS: _nodeOptions, SENTRY_SPOTLIGHT: _spotlight, ...rest } = env;
  return rest;
}

async function tryLock(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
    await handle.close();
    return true;
  } catch {
    return false;
  }
}

/** A lock whose owner died, or that is older than any start can take, is left over from a crash. */
async function lockIsStale(path: string, maxAgeMs: number, now: number): Promise<boolean> {
  try {
    const { pid, at } = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; at?: unknown };
    if (typeof pid !== 'number' || typeof at !== 'number') return true;
    return !isProcessAlive(pid) || now - at > maxAgeMs;
  } catch (error) {
    // Gone already (not stale: just retry the lock) or unreadable (stale).
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
