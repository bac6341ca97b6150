import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ARTIFACTS_DIR, CHROMIUM_PATH, REPO_ROOT, REQUIRED_BUILD_OUTPUTS } from '../helpers/paths.ts';

// Runs once before the e2e project. `npm test` builds every package before vitest starts; running the e2e
// project on its own must not silently test stale or missing bundles, so a missing output stops here with the fix.
export default function setup(project: TestProject): () => void {
  const missing = REQUIRED_BUILD_OUTPUTS.filter((file) => !existsSync(`${REPO_ROOT}/${file}`));
  if (missing.length > 0) {
    throw new Error(
      `e2e needs the built packages, and these are missing:\n  ${missing.join('\n  ')}\n` +
        'Run `npm run build` at the repository root first (`npm test` does it before vitest).',
    );
  }
  ensureChromium();
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // What tests share for the run (the packed tarball: helpers/pack.ts), outside the repository.
  const runDir = mkdtempSync(join(tmpdir(), 'spotlight-e2e-run-'));
  project.provide('e2eRunDir', runDir);
  return () => rmSync(runDir, { recursive: true, force: true });
}

function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  // CI runs as root on Debian with the distribution's packages reachable; a developer without root gets the command.
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`e2e needs Chromium at ${CHROMIUM_PATH}. Install it with: sudo apt-get update && sudo apt-get install -y chromium`);
  }
  console.log(`[e2e] ${CHROMIUM_PATH} is missing: installing Debian's chromium package`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  }
}
