#!/usr/bin/env node
// The `spotlight` command (also `sentry-spotlight`, for `npx sentry-spotlight` outside a project).
//
// Installed from npm, the sidecar is built already (dist/sidecar/cli.cjs) and this file only loads it.
// In a clone of the repository nothing is built right after `npm install`, and npm links a command only
// to a file that exists at install time: so the command is this committed file, which builds what it
// needs the first time (the sidecar's CLI, and the overlay's page unless it only prints its help or
// version), then runs the workspace's sidecar, as `npm start` does.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const packageDir = join(__dirname, '..');

// The published package ships no sources; a clone has them.
if (!existsSync(join(packageDir, 'src'))) {
  require('../dist/sidecar/cli.cjs');
} else {
  runInWorkspace();
}

function runInWorkspace() {
  const sidecarDir = join(packageDir, '..', 'sidecar');
  const cli = join(sidecarDir, 'dist', 'cli.cjs');
  const printsOnly = process.argv.slice(2).some((arg) => ['-h', '--help', '-v', '--version'].includes(arg));
  const builds = [];
  if (!existsSync(cli)) builds.push({ what: "the sidecar's CLI", cwd: sidecarDir, args: [] });
  if (!printsOnly && !existsSync(join(packageDir, 'dist', 'index.html'))) {
    builds.push({ what: "the overlay's page", cwd: packageDir, args: ['--mode', 'page'] });
  }
  if (builds.length > 0) {
    process.stderr.write(
      `spotlight: building ${builds.map((b) => b.what).join(' and ')} first (once; \`npm run build\` rebuilds everything)\n`,
    );
    // In child processes: a Vite build sets NODE_ENV=production in its own process.
    const vite = join(dirname(require.resolve('vite/package.json', { paths: [packageDir] })), 'bin', 'vite.js');
    for (const { what, cwd, args } of builds) {
      const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error', ...args], { cwd, stdio: ['ignore', 2, 2] });
      if (result.status !== 0) {
        process.stderr.write(`spotlight: building ${what} failed (exit ${result.status ?? result.signal})\n`);
        process.exit(1);
      }
    }
  }
  require(cli);
}
