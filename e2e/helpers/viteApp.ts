import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { userEnv } from './pack.ts';
import { REPO_ROOT } from './paths.ts';
import { type RunningProcess, spawnUntil } from './processes.ts';

const VITE_BIN = `${REPO_ROOT}/node_modules/vite/bin/vite.js`;

export interface ViteApp {
  readonly dir: string;
  write(path: string, text: string): void;
  /** `vite` (the dev server) as a user starts it, in the app's folder. */
  dev(env?: Record<string, string | undefined>): Promise<RunningVite>;
  /** `vite build`, then `vite preview` of the result. */
  buildAndPreview(env?: Record<string, string | undefined>): Promise<RunningVite>;
  /** The built JavaScript (and, with `html`, the pages), every file of dist/ joined. */
  builtCode(options?: { html?: boolean }): string;
  remove(): void;
}

export interface RunningVite {
  readonly url: string;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

/**
 * An app of its own outside the repository: its files, and a node_modules of its own whose packages are
 * links to the workspace's (so Vite's cache, node_modules/.vite, is the app's, and the app sees only what it
 * lists). `packages` are names as the app imports them.
 */
export function createViteApp(packages: readonly string[], files: Record<string, string>): ViteApp {
  const dir = mkdtempSync(join(tmpdir(), 'spotlight-e2e-app-'));
  for (const name of ['vite', ...packages]) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules', name), link, 'dir');
  }
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  // As from a shell: no NODE_ENV of the test runner's (Vite sets its own), no variable left undefined.
  const env = (extra: Record<string, string | undefined>) => {
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...userEnv(), ...extra })) if (value !== undefined) merged[key] = value;
    return merged;
  };
  const running = (proc: RunningProcess): RunningVite => ({
    url: (proc.match[1] ?? '').replace(/\/$/, ''),
    process: proc,
    stop: proc.stop,
  });
  return {
    dir,
    write,
    async dev(extra = {}) {
      return running(await spawnUntil(process.execPath, [VITE_BIN], { cwd: dir, env: env(extra), ready: /Local:\s+(http:\/\/\S+)/ }));
    },
    async buildAndPreview(extra = {}) {
      const build = await spawnUntil(process.execPath, [VITE_BIN, 'build'], {
        cwd: dir,
        env: env(extra),
        ready: /built in/,
        timeoutMs: 60_000,
      });
      await new Promise<void>((resolve) => {
        if (build.child.exitCode !== null) resolve();
        else build.child.once('exit', () => resolve());
      });
      if (build.child.exitCode !== 0) throw new Error(`vite build failed:\n${build.output()}`);
      return running(
        await spawnUntil(process.execPath, [VITE_BIN, 'preview', '--host', '127.0.0.1', '--port', '0'], {
          cwd: dir,
          env: env(extra),
          ready: /Local:\s+(http:\/\/\S+)/,
        }),
      );
    },
    builtCode({ html = false } = {}) {
      const out: string[] = [];
      const walk = (path: string) => {
        for (const entry of readdirSync(path, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(join(path, entry.name));
          else if (/\.m?js$/.test(entry.name) || (html && entry.name.endsWith('.html')))
            out.push(readFileSync(join(path, entry.name), 'utf8'));
        }
      };
      walk(join(dir, 'dist'));
      return out.join('\n');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
