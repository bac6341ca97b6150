import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Env } from '../environment.ts';
import type { SidecarProbe } from './health.ts';
import { type LaunchOptions, launchSidecar, type SpawnedProcess } from './launcher.ts';

interface SpawnCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Env;
}

/**
 * A world of fake sidecars: `answering` is the set of base URLs whose /health says Spotlight; the fake
 * spawner behaves like the real CLI (listens, publishes the state file) or like `behave` says.
 */
function world(stateFile: string, behave: (call: SpawnCall) => 'listen' | { exit: number } = () => 'listen') {
  const answering = new Set<string>();
  const spawns: SpawnCall[] = [];
  const probe = async (url: string): Promise<SidecarProbe> =>
    answering.has(url) ? { kind: 'spotlight', pid: process.pid } : { kind: 'down', reason: 'ECONNREFUSED' };
  const spawn = (command: string, args: readonly string[], env: Env): SpawnedProcess => {
    const call = { command, args, env };
    spawns.push(call);
    const behaviour = behave(call);
    let exit: (code: number | null) => void = () => {};
    const exited = new Promise<number | null>((resolve) => {
      exit = resolve;
    });
    setTimeout(async () => {
      if (behaviour === 'listen') {
        const requested = Number(args[args.indexOf('--port') + 1]);
        const port = requested || 40_000 + spawns.length;
        const url = `http://localhost:${port}`;
        answering.add(url);
        await writeFile(stateFile, JSON.stringify({ url, port, pid: process.pid, startedAt: Date.now() }));
      } else {
        exit(behaviour.exit);
      }
    }, 30);
    return { pid: 4242, exited };
  };
  return { answering, spawns, probe, spawn };
}

function options(stateFile: string, w: ReturnType<typeof world>, extra: Partial<LaunchOptions> = {}): LaunchOptions {
  return {
    cliPath: '/opt/spotlight/cli.cjs',
    port: 41_001,
    idleExitSeconds: 30,
    stateFile,
    startTimeoutMs: 3000,
    env: { PATH: '/bin', NODE_OPTIONS: '--import ./instrument.mjs', SENTRY_SPOTLIGHT: 'http://localhost:1/stream', SPOTLIGHT_X: '1' },
    spawn: w.spawn,
    probe: w.probe,
    ...extra,
  };
}

function tempStateFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'spotlight-launch-')), 'nested', 'sidecar.json');
}

describe('launchSidecar', () => {
  it('spawns the CLI with port, idle exit and state file, without the app instrumentation, and resolves with its URL', async () => {
    const stateFile = tempStateFile();
    const w = world(stateFile);
    expect(await launchSidecar(options(stateFile, w))).toBe('http://localhost:41001');
    expect(w.spawns).toEqual([
      {
        command: process.execPath,
        args: ['/opt/spotlight/cli.cjs', '--port', '41001', '--idle-exit', '30', '--state-file', stateFile],
        env: { PATH: '/bin', SPOTLIGHT_X: '1' },
      },
    ]);
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  });

  it('starts exactly one sidecar when five callers race', async () => {
    const stateFile = tempStateFile();
    const w = world(stateFile);
    const urls = await Promise.all(Array.from({ length: 5 }, () => launchSidecar(options(stateFile, w))));
    expect(urls).toEqual(Array(5).fill('http://localhost:41001'));
    expect(w.spawns).toHaveLength(1);
  });

  it('asks for any free port when told to, and learns it from the state file', async () => {
    const stateFile = tempStateFile();
    const w = world(stateFile);
    expect(await launchSidecar(options(stateFile, w, { port: 0 }))).toBe('http://localhost:40001');
    expect(w.spawns[0]?.args.slice(1, 3)).toEqual(['--port', '0']);
  });

  it('uses the winner when its own sidecar lost the port race (exit 0)', async () => {
    const stateFile = tempStateFile();
    const w = world(stateFile, () => ({ exit: 0 }));
    setTimeout(() => w.answering.add('http://localhost:41001'), 100);
    expect(await launchSidecar(options(stateFile, w))).toBe('http://localhost:41001');
  });

  it('fails when the sidecar exits with an error, or when none answers in time', async () => {
    const stateFile = tempStateFile();
    await expect(
      launchSidecar(
        options(
          stateFile,
          world(stateFile, () => ({ exit: 1 })),
        ),
      ),
    ).rejects.toThrow('the sidecar exited with code 1');
    const silent = world(stateFile, () => ({ exit: 0 }));
    await expect(launchSidecar(options(stateFile, silent, { startTimeoutMs: 200 }))).rejects.toThrow('no sidecar answered within 200ms');
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const stateFile = tempStateFile();
    const w = world(stateFile);
    await launchSidecar(options(stateFile, w));
    w.answering.clear();
    writeFileSync(`${stateFile}.lock`, JSON.stringify({ pid: 2 ** 22 + 4321, at: Date.now() }));
    expect(await launchSidecar(options(stateFile, w))).toBe('http://localhost:41001');
    expect(w.spawns).toHaveLength(2);
  });

  it('waits for a live lock holder instead of spawning', async () => {
    const stateFile = tempStateFile();
    const w = world(stateFile);
    await launchSidecar(options(stateFile, w));
    w.answering.clear();
    writeFileSync(`${stateFile}.lock`, JSON.stringify({ pid: process.pid, at: Date.now() }));
    setTimeout(() => w.answering.add('http://localhost:41001'), 100);
    expect(await launchSidecar(options(stateFile, w))).toBe('http://localhost:41001');
    expect(w.spawns).toHaveLength(1);
  });
});
