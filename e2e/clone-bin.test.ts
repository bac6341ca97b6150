/**
 * `git clone … && npm install && npx spotlight --version` works: npm links a command only to a file that exists
 * at install time, so the `spotlight` command is a committed file that builds what it runs on first use.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageVersion, userEnv } from './helpers/pack.ts';
import { REPO_ROOT } from './helpers/paths.ts';

const run = promisify(execFile);
const BIN = 'packages/overlay/bin/spotlight.cjs';

describe('the spotlight command in a clone', () => {
  const clone = mkdtempSync(join(tmpdir(), 'spotlight-clone-'));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('is a committed, executable file that npm links as spotlight and sentry-spotlight', async () => {
    const { stdout } = await run('git', ['ls-files', '--stage', BIN], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^100755 /);
    for (const name of ['spotlight', 'sentry-spotlight']) {
      expect(realpathSync(join(REPO_ROOT, 'node_modules', '.bin', name))).toBe(join(REPO_ROOT, BIN));
    }
  });

  it('builds the sidecar on first use, then prints the version and the help', async () => {
    // What a fresh clone has after `npm install`: the sources and the installed packages, nothing built.
    for (const path of [
      BIN,
      'packages/overlay/package.json',
      'packages/overlay/src',
      'packages/sidecar/package.json',
      'packages/sidecar/vite.config.ts',
      'packages/sidecar/src',
    ]) {
      cpSync(join(REPO_ROOT, path), join(clone, path), { recursive: true });
    }
    mkdirSync(join(clone, 'node_modules'));
    // What `npm install` put in node_modules (every entry, so a new dependency of the build needs no edit here).
    for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (name !== '.bin') symlinkSync(join(REPO_ROOT, 'node_modules', name), join(clone, 'node_modules', name));
    }
    const bin = join(clone, BIN);
    expect(existsSync(join(clone, 'packages/sidecar/dist/cli.cjs'))).toBe(false);

    const first = await run(process.execPath, [bin, '--version'], { cwd: clone, env: userEnv(), timeout: 120_000 });
    expect(first.stdout.trim()).toBe(packageVersion());
    expect(first.stderr).toContain("building the sidecar's CLI first");
    expect(existsSync(join(clone, 'packages/sidecar/dist/cli.cjs'))).toBe(true);
    // --version needs no page: the overlay's is not built for it.
    expect(existsSync(join(clone, 'packages/overlay/dist/index.html'))).toBe(false);

    const again = await run(process.execPath, [bin, '--help'], { cwd: clone, env: userEnv() });
    expect(again.stdout).toMatch(/Usage: spotlight \[options\]/);
    expect(again.stderr).toBe('');
  });
});
