import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the CLI with the package's own vite config into a fresh folder under node_modules (so
 * that express and fzstd resolve as they do from dist/), and returns the path of its cli.cjs.
 */
export async function buildCli(): Promise<{ cli: string; remove: () => void }> {
  const parent = join(PACKAGE_DIR, 'node_modules');
  mkdirSync(parent, { recursive: true });
  const outDir = mkdtempSync(join(parent, '.cli-test-'));
  await build({ configFile: join(PACKAGE_DIR, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return { cli: join(outDir, 'cli.cjs'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly stdout: () => string;
  /** Resolves with the first stderr match of `pattern`; rejects after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
}

/** Spawns `node cli.cjs ...args`; every run is killed by killAll(). */
export function runCli(cli: string, args: readonly string[], env: Record<string, string> = {}, cwd?: string): CliRun {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  runs.add(child);
  let stderr = '';
  let stdout = '';
  const listeners = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      runs.delete(child);
      for (const listener of [...listeners]) listener();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    waitForStderr: (pattern, timeoutMs = 10_000) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          } else if (child.exitCode !== null) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`exited (${child.exitCode}) before printing ${pattern}; stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

/**
 * NODE_OPTIONS that run `source` (CommonJS) before the CLI's own code: the CLI is CommonJS, so a
 * preload sees every require() it makes, and being CommonJS itself it does not set up the ES module
 * loader.
 */
export function preload(source: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'spotlight-preload-'));
  preloadDirs.add(dir);
  const file = join(dir, 'preload.cjs');
  writeFileSync(file, source);
  return { NODE_OPTIONS: `--require=${JSON.stringify(file)}` };
}

/**
 * A preload that writes `<label>: <what report() returns>` to stderr when the CLI's first server
 * starts listening. `report` is the source of a function body run then, in the CLI's process.
 */
export function reportAtListening(label: string, report: string): Record<string, string> {
  return preload(`const net = require('node:net');
    const emit = net.Server.prototype.emit;
    let reported = false;
    net.Server.prototype.emit = function (event, ...args) {
      if (event === 'listening' && !reported) {
        reported = true;
        process.stderr.write(${JSON.stringify(label)} + ': ' + (() => { ${report} })() + '\\n');
      }
      return emit.call(this, event, ...args);
    };`);
}

const runs = new Set<ChildProcess>();
const preloadDirs = new Set<string>();

/** Kills every run and removes the preload files written for them. */
export function killAll(): void {
  for (const child of runs) child.kill('SIGKILL');
  runs.clear();
  for (const dir of preloadDirs) rmSync(dir, { recursive: true, force: true });
  preloadDirs.clear();
}
