/**
 * The pack test: `sentry-spotlight` as a user gets it. The tarball of packages/overlay is installed into apps of
 * their own outside the repository, with registry packages only: alone (what `npx sentry-spotlight` gets), and
 * with Sentry's SDKs, Vite, Express and TypeScript. Whatever resolves back into the repository fails it.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, isInside, packageVersion, packSentrySpotlight, registryPackages, type TempApp, userEnv } from './helpers/pack.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { LOOPBACK_URL, spawnUntil } from './helpers/processes.ts';
import { type Recipe, readmeRecipes } from './helpers/recipes.ts';

const run = promisify(execFile);

/** What a TypeScript user of every recipe has installed, at the workspace's versions. */
const USER_PACKAGES = ['@sentry/node', '@sentry/react', 'vite', 'express', 'typescript', '@types/express', '@types/node'];

let tarball: string;
/** The tarball alone in an empty app. */
let bare: TempApp;
/** The tarball with USER_PACKAGES. */
let app: TempApp;
/** Sidecars the Node recipe started (detached, as for a user): stopped at the end. */
const startedSidecars = new Set<number>();

beforeAll(async () => {
  tarball = await packSentrySpotlight();
  [bare, app] = await Promise.all([createTempApp(), createTempApp({ packages: registryPackages(USER_PACKAGES) })]);
  for (const target of [bare, app]) writeHarness(target.dir);
}, 300_000);

afterAll(() => {
  for (const pid of startedSidecars) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone already.
    }
  }
  bare?.remove();
  app?.remove();
});

describe('the tarball', () => {
  it('holds the built package, every file its manifest names, and nothing of the workspace', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = new Set(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.replace(/^package\//, '')),
    );
    for (const file of [
      'bin/spotlight.cjs',
      'dist/sidecar/cli.cjs',
      'dist/index.html',
      'dist/assets/main.js',
      'dist/sentry-spotlight.iife.js',
    ]) {
      expect(files, file).toContain(file);
    }
    for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) expect(files, file).toContain(file);
    expect([...files].filter((file) => /^(src|types)\/|\.map$|tsconfig|vite\.config/.test(file))).toEqual([]);

    const manifest = installedManifest(bare);
    const targets = [...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})];
    expect(targets.length).toBeGreaterThan(10);
    for (const target of targets) expect(files, `${target} (named in package.json)`).toContain(target.replace(/^\.\//, ''));
    expect(Object.keys(manifest.bin ?? {}).sort()).toEqual(['sentry-spotlight', 'spotlight']);
    // What the registry's page shows.
    expect(manifest).toMatchObject({ name: 'sentry-spotlight', license: 'MIT', engines: { node: expect.any(String) } });
    expect(manifest.description?.length).toBeGreaterThan(20);
    expect(manifest.keywords).toEqual(expect.arrayContaining(['sentry', 'spotlight']));

    // Only registry packages: none of the workspace's, which are bundled.
    const named = [manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies].flatMap((deps) =>
      Object.keys(deps ?? {}),
    );
    expect(named.filter((name) => name.startsWith('@spotlight/'))).toEqual([]);
    expect(manifest.bundleDependencies ?? manifest.bundledDependencies).toBeUndefined();
  });

  it('imports, in its code and its types, only Node, its dependencies and its optional peers', () => {
    const manifest = installedManifest(bare);
    const allowed = new Set([
      ...builtinModules,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const dir = join(bare.dir, 'node_modules', 'sentry-spotlight');
    const imported = new Map<string, string>();
    for (const file of listFiles(join(dir, 'dist')).concat(join(dir, 'bin', 'spotlight.cjs'))) {
      if (!/\.(c?js|d\.ts)$/.test(file)) continue;
      for (const specifier of bareImports(readFileSync(file, 'utf8'))) imported.set(specifier, file.slice(dir.length + 1));
    }
    const packageOf = (specifier: string) => specifier.replace(/^node:/, '').match(/^(@[^/]+\/[^/]+|[^/]+)/)?.[0] ?? specifier;
    const unexpected = [...imported].filter(([specifier]) => !allowed.has(packageOf(specifier)));
    expect(unexpected, 'bare imports that a user would not have').toEqual([]);
    expect([...imported.keys()]).toContain('express');
  });
});

describe('installed alone', () => {
  it('runs `npx spotlight` and `npx sentry-spotlight`', async () => {
    for (const bin of ['spotlight', 'sentry-spotlight']) {
      expect((await bare.npx([bin, '--version'])).stdout.trim()).toBe(packageVersion());
    }
    expect((await bare.npx(['spotlight', '--help'])).stdout).toMatch(/Usage: spotlight \[options\]/);
  });

  it("serves the overlay's page from the package, loading nothing from outside the app", async () => {
    const trace = join(bare.dir, '.harness', 'sidecar-modules.txt');
    const sidecar = await spawnUntil(
      process.execPath,
      [join(bare.dir, 'node_modules', '.bin', 'spotlight'), '--port', '0', '--host', '127.0.0.1'],
      {
        cwd: bare.dir,
        env: userEnv({ NODE_OPTIONS: `--require ${join(bare.dir, '.harness', 'dump.cjs')}`, SPOTLIGHT_TRACE_FILE: trace }),
        ready: LOOPBACK_URL,
      },
    );
    try {
      const url = sidecar.match[1] ?? '';
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html, 'the overlay page, not the page shown when it is not built').toContain('/assets/main.js');
      expect((await fetch(`${url}/assets/main.js`)).status).toBe(200);
    } finally {
      await sidecar.stop();
    }
    const modules = loadedModules(trace);
    expect(modules).toContain(join(bare.dir, 'node_modules', 'sentry-spotlight', 'dist', 'sidecar', 'cli.cjs'));
    expect(modules.some((path) => path.startsWith(join(bare.dir, 'node_modules', 'serve-static', '')))).toBe(true);
    expect(modules.filter((path) => !isInside(path, bare.dir))).toEqual([]);
  });
});

describe('in an app with Sentry, Vite, Express and TypeScript', () => {
  it('type-checks every README recipe under strict, with bundler and nodenext resolution', async () => {
    const recipes = readmeRecipes();
    expect(recipes.filter((recipe) => !recipe.browser).length).toBeGreaterThanOrEqual(3);
    expect(recipes.filter((recipe) => recipe.browser).length).toBeGreaterThanOrEqual(1);
    const dir = join(app.dir, 'recipes');
    mkdirSync(dir, { recursive: true });
    for (const recipe of recipes) writeFileSync(join(dir, recipe.fileName), recipe.code);
    const files = (browser: boolean) =>
      recipes.filter((recipe) => recipe.browser === browser).map((recipe) => `recipes/${recipe.fileName}`);
    const dom = ['ES2023', 'DOM', 'DOM.Iterable'];
    const configs = {
      // A bundled app: TypeScript picks neither `browser` nor `node`, so `sentry-spotlight` declares both.
      bundler: { compilerOptions: { module: 'ESNext', moduleResolution: 'bundler', lib: dom }, files: [...files(false), ...files(true)] },
      // A Node project.
      nodenext: { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'] }, files: files(false) },
      // Code for a page in a nodenext project: the `browser` condition.
      'nodenext-browser': {
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', lib: dom, customConditions: ['browser'] },
        files: files(true),
      },
    };
    const expectedTypes = { bundler: 'index.d.ts', nodenext: 'node.d.ts', 'nodenext-browser': 'sentry-spotlight.d.ts' };
    const tsc = join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    await Promise.all(
      Object.entries(configs).map(async ([name, config]) => {
        const compilerOptions = {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          skipLibCheck: false,
          types: ['node'],
          ...config.compilerOptions,
        };
        writeFileSync(join(app.dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: config.files }, null, 2));
        const result = await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`, '--listFiles'], {
          cwd: app.dir,
          env: userEnv(),
          maxBuffer: 16 * 1024 * 1024,
        }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error), failed: true }));
        expect('failed' in result ? whereInReadmes(result.stdout, recipes) : '', `tsc -p tsconfig.${name}.json`).toBe('');
        const listed = result.stdout.split('\n').filter((line) => line.startsWith('/'));
        expect(
          listed.filter((path) => !isInside(path, app.dir)),
          `${name}: files from outside the app`,
        ).toEqual([]);
        const types = join(app.dir, 'node_modules', 'sentry-spotlight', 'dist', expectedTypes[name as keyof typeof expectedTypes]);
        expect(listed, `${name} reads ${types}`).toContain(types);
      }),
    );
  });

  it('runs the Node recipe: the first event starts the sidecar, and the error arrives on its stream', async () => {
    const recipe = readmeRecipes(['README.md']).find((candidate) => candidate.code.includes("from '@sentry/node'"));
    expect(recipe?.code).toContain('Spotlight.init({ sentry: Sentry })');
    const marker = `pack-test-${randomUUID()}`;
    writeFileSync(join(app.dir, 'node-recipe.mjs'), `${recipe?.code}\nthrow new Error('${marker}');\n`);
    const port = await freePort();
    const state = join(app.dir, '.harness', 'state');
    const trace = join(app.dir, '.harness', 'recipe-modules.txt');
    const harness = join(app.dir, '.harness');
    const script = await run(process.execPath, ['node-recipe.mjs'], {
      cwd: app.dir,
      timeout: 30_000,
      env: userEnv({
        SPOTLIGHT_PORT: String(port),
        SPOTLIGHT_STATE_FILE: join(state, 'sidecar.json'),
        XDG_CACHE_HOME: state,
        SPOTLIGHT_TRACE_FILE: trace,
        NODE_OPTIONS: `--import ${join(harness, 'trace.mjs')} --require ${join(harness, 'dump.cjs')}`,
      }),
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(script.code, script.stderr).toBe(1);
    expect(script.stderr).toContain(marker);

    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { name: string; pid: number };
    expect(health.name).toBe('spotlight');
    startedSidecars.add(health.pid);
    const command = readFileSync(`/proc/${health.pid}/cmdline`, 'utf8').split('\0');
    expect(command, 'the lazily started sidecar is the one in the app').toContain(
      join(app.dir, 'node_modules', 'sentry-spotlight', 'dist', 'sidecar', 'cli.cjs'),
    );
    await expect(streamUntil(`http://127.0.0.1:${port}/stream`, marker, 15_000)).resolves.toContain(marker);

    const modules = loadedModules(trace);
    expect(modules).toContain(join(app.dir, 'node_modules', 'sentry-spotlight', 'dist', 'node.js'));
    expect(modules.filter((path) => !isInside(path, app.dir))).toEqual([]);
    expect(modules.filter((path) => isInside(path, REPO_ROOT))).toEqual([]);
  });
});

interface Manifest {
  name: string;
  description?: string;
  keywords?: string[];
  exports: unknown;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bundleDependencies?: unknown;
  bundledDependencies?: unknown;
}

function installedManifest(target: TempApp): Manifest {
  return JSON.parse(readFileSync(join(target.dir, 'node_modules', 'sentry-spotlight', 'package.json'), 'utf8')) as Manifest;
}

/** Every file an `exports` map points at (patterns such as `./dist/*` left out). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return exports.includes('*') ? [] : [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([key, value]) => (key.includes('*') ? [] : exportTargets(value)));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Package specifiers in `import ... from`, `export ... from`, `import()` and `require()` with a literal. */
function bareImports(code: string): string[] {
  const found: string[] = [];
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["']((?:@[\w.-]+\/)?\w[\w./:-]*)["']/gm;
  for (const match of code.matchAll(specifier)) {
    if (match[1] !== undefined) found.push(match[1]);
  }
  return found;
}

/**
 * Harness files in the app itself (so that they too are inside it): `dump.cjs` appends, at exit, the files
 * in `require.cache`, and `trace.mjs` every URL the ES module loader resolved, to `$SPOTLIGHT_TRACE_FILE`.
 */
function writeHarness(dir: string): void {
  mkdirSync(join(dir, '.harness', 'state'), { recursive: true });
  writeFileSync(
    join(dir, '.harness', 'dump.cjs'),
    "process.on('exit', () => { const out = process.env.SPOTLIGHT_TRACE_FILE; if (out) require('node:fs').appendFileSync(out, Object.keys(require.cache).join('\\n') + '\\n'); });\n",
  );
  writeFileSync(
    join(dir, '.harness', 'trace.mjs'),
    "import { register } from 'node:module';\nregister('./trace-hooks.mjs', import.meta.url);\n",
  );
  writeFileSync(
    join(dir, '.harness', 'trace-hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  if (process.env.SPOTLIGHT_TRACE_FILE) appendFileSync(process.env.SPOTLIGHT_TRACE_FILE, result.url + '\\n');\n  return result;\n}\n",
  );
}

/** The files a process loaded, from its trace: paths and file: URLs (built-ins left out). */
function loadedModules(trace: string): string[] {
  const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  const files = lines.flatMap((line) => (line.startsWith('file:') ? [fileURLToPath(line)] : line.startsWith('/') ? [line] : []));
  expect(files.length, `${trace} lists what the process loaded`).toBeGreaterThan(5);
  return [...new Set(files)];
}

/** tsc's errors, with each recipe's file name replaced by the README line it comes from. */
function whereInReadmes(output: string, recipes: readonly Recipe[]): string {
  let text = output
    .split('\n')
    .filter((line) => !line.startsWith('/'))
    .join('\n')
    .trim();
  for (const recipe of recipes) text = text.replaceAll(`recipes/${recipe.fileName}`, `${recipe.where} (recipes/${recipe.fileName})`);
  return text || output;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Reads a Server-Sent Events stream until `text` appears in it (or fails after `timeoutMs`). */
async function streamUntil(url: string, text: string, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let seen = '';
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      seen += decoder.decode(chunk.value, { stream: true });
      if (seen.includes(text)) return seen;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  throw new Error(`${url}: "${text}" did not arrive within ${timeoutMs} ms (${seen.length} characters read)`);
}
