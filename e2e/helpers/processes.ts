import { type ChildProcess, spawn } from 'node:child_process';
import { SIDECAR_CLI } from './paths.ts';

export interface RunningProcess {
  readonly child: ChildProcess;
  /** The first match of the `ready` pattern in the process's output. */
  readonly match: RegExpMatchArray;
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Printed on stdout or stderr once the process is usable. */
  ready: RegExp;
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();

// Each child leads its own process group so that stopping it also stops what it spawned (the example's
// launcher starts a backend and a Vite server). A crashed test run still must not leave servers behind.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export async function spawnUntil(command: string, args: string[], options: SpawnOptions): Promise<RunningProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    // Plain output: under CI=true tools colour it, and escape codes inside a URL would defeat `ready`.
    env: { ...(options.env ?? process.env), NO_COLOR: '1', FORCE_COLOR: '0' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    // Grandchildren that ignored SIGTERM go too.
    killGroup(child, 'SIGKILL');
    running.delete(child);
  };

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      reject(new Error(`${command} ${args.join(' ')}: not ready after ${timeoutMs} ms (waiting for ${options.ready}). Output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed
      const found = output.replace(/\x1b\[[0-9;]*m/g, '').match(options.ready);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${signal ?? code}) before it was ready. Output:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  // Keep collecting output after readiness: tests print it when an assertion fails.
  return { child, match, output: () => output, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const LOOPBACK_URL = /(http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+)/;

export interface Sidecar {
  readonly url: string;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

/** The built `spotlight` CLI on a free loopback port, as a user runs it. */
export async function startSidecar(extraArgs: string[] = []): Promise<Sidecar> {
  const proc = await spawnUntil(process.execPath, [SIDECAR_CLI, '--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    ready: LOOPBACK_URL,
    env: { ...process.env, NODE_ENV: 'development' },
  });
  const url = proc.match[1] ?? '';
  return { url, process: proc, stop: proc.stop };
}

export { LOOPBACK_URL };
