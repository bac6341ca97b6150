// One command for the whole example: the Express API (`node --import ./server/instrument.mjs`), then the
// Vite dev server in this process (its Spotlight plugin finds or starts the sidecar). Ctrl-C stops both.
//   PORT (web, default 5173), API_PORT (default 3001); 0 picks a free port. SENTRY_SPOTLIGHT names a sidecar.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

// The example runs the packages as users get them (their dist/); build them once on a fresh clone.
const builds = ['packages/sidecar/dist/cli.cjs', 'packages/overlay/dist/assets/main.js', 'packages/sdk-hooks/dist/vite.js'];
if (builds.some((file) => !existsSync(`${repoRoot}/${file}`))) {
  console.log('Building the Spotlight packages first (npm run build)…');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
const api = spawn(process.execPath, ['--import', './server/instrument.mjs', 'server/index.mjs'], {
  cwd: exampleDir,
  env: { ...env, API_PORT: process.env.API_PORT ?? '3001' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const apiUrl = await new Promise((resolve, reject) => {
  let output = '';
  api.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    output += chunk;
    const match = /API listening on (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]);
  });
  api.once('exit', (code) => reject(new Error(`the API exited with code ${code} before listening`)));
});

process.env.API_URL = apiUrl;
const { createServer } = await import('vite');
const web = await createServer({ root: exampleDir, configFile: `${exampleDir}/vite.config.ts` });
await web.listen();
const webUrl = web.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? '';
console.log(`\n  Example ready: ${webUrl}  (API ${apiUrl}, Spotlight ${process.env.SENTRY_SPOTLIGHT ?? 'see above'})\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  api.kill('SIGTERM');
  await web.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
api.once('exit', (code) => {
  if (!stopping) {
    console.error(`The API exited (${code}); stopping.`);
    void stop();
  }
});
