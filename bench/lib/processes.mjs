// The servers under test as child processes: spawn, learn the port from their output, read their CPU and memory
// from /proc, and make sure every one of them is gone when the bench ends, however it ends.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
export const OURS_CLI = join(REPO_DIR, 'packages', 'sidecar', 'dist', 'cli.cjs');
export const PUBLISHED_CLI = join(BENCH_DIR, 'node_modules', '@spotlightjs', 'spotlight', 'dist', 'run.js');
export const PUBLISHED_PKG = join(BENCH_DIR, 'node_modules', '@spotlightjs', 'spotlight', 'package.json');
const BARE_SERVER = join(BENCH_DIR, 'lib', 'bare-server.cjs');
const LOOPBACK_PRELOAD = join(BENCH_DIR, 'lib', 'loopback-preload.mjs');

/** Clock ticks per second of /proc/<pid>/stat (CLK_TCK); 100 on every Linux this runs on. */
const CLK_TCK = 100;
const PAGE_SIZE = 4096;

const live = new Set();

/** Kill every child still running (synchronously usable from an exit handler). */
export function killAll(signal = 'SIGKILL') {
  for (const child of live) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
  live.clear();
}

let handlersInstalled = false;
export function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => killAll());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** What to run for each target; `port` 0 lets the server choose. */
export function targetCommand(target, { port = 0, extraArgs = [] } = {}) {
  switch (target) {
    case 'ours':
      return { args: [OURS_CLI, '--port', String(port), ...extraArgs] };
    case 'published':
      // No host flag: the preload binds it to 127.0.0.1 and keeps its own telemetry off the network.
      return { args: ['--import', LOOPBACK_PRELOAD, PUBLISHED_CLI, '--port', String(port), ...extraArgs], cwd: BENCH_DIR };
    case 'bare':
      return { args: [BARE_SERVER, '--port', String(port), ...extraArgs] };
    default:
      throw new Error(`bench: unknown target ${target}`);
  }
}

export function targetAvailable(target) {
  if (target === 'ours') return existsSync(OURS_CLI) ? null : `${OURS_CLI} is not built (npm run build)`;
  if (target === 'published') return existsSync(PUBLISHED_CLI) ? null : 'run npm --prefix bench install';
  return null;
}

const PORT_PATTERNS = [/https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)/, /listening on (?:port )?(\d+)/i];

/**
 * Spawn a target and resolve once it printed its listening port. Output is drained (a full pipe would stall the
 * server) and its tail kept for error messages.
 */
export function startTarget(target, { port = 0, extraArgs = [], nodeArgs = [], env = {}, timeoutMs = 20_000 } = {}) {
  const { args, cwd } = targetCommand(target, { port, extraArgs });
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: cwd ?? REPO_DIR,
    env: { ...process.env, NODE_ENV: 'production', SENTRY_SPOTLIGHT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`bench: ${target} printed no port within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = () => {
      for (const pattern of PORT_PATTERNS) {
        const match = pattern.exec(output);
        if (match) {
          cleanup();
          resolve(handle(target, child, Number(match[1]), () => output));
          return;
        }
      }
    };
    const onExit = (code, signal) => fail(new Error(`bench: ${target} exited (${code ?? signal}) before listening:\n${output}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    }
    function fail(error) {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}

function handle(target, child, port, output) {
  return {
    target,
    pid: child.pid,
    port,
    child,
    output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
  };
}

export function stopChild(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      live.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Spawn a child without waiting for output (cold start polls the port itself). */
export function spawnTarget(target, { port, env = {} }) {
  const { args, cwd } = targetCommand(target, { port });
  const child = spawn(process.execPath, args, {
    cwd: cwd ?? REPO_DIR,
    env: { ...process.env, NODE_ENV: 'production', SENTRY_SPOTLIGHT: '', ...env },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** A port free right now on 127.0.0.1 (for cold start, which must know it before the server prints it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CPU time (ms, user + system) and memory (bytes) of a process, from /proc. Null once it is gone. */
export function processSample(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kib = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : null;
    };
    return {
      cpuMs: ((utime + stime) * 1000) / CLK_TCK,
      userMs: (utime * 1000) / CLK_TCK,
      sysMs: (stime * 1000) / CLK_TCK,
      minorFaults: Number(fields[7]),
      rss: kib('VmRSS') ?? rssPages * PAGE_SIZE,
      peakRss: kib('VmHWM'),
    };
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; reports the peak seen. */
export function rssSampler(pid, intervalMs = 50) {
  let peak = 0;
  const tick = () => {
    const sample = processSample(pid);
    if (sample && sample.rss > peak) peak = sample.rss;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}

export function publishedVersion() {
  try {
    return JSON.parse(readFileSync(PUBLISHED_PKG, 'utf8')).version;
  } catch {
    return null;
  }
}
