import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { dts } from 'rolldown-plugin-dts';
import { defaultClientConditions, defineConfig, loadConfigFromFile, mergeConfig, type Plugin, type UserConfig } from 'vite';

// `sentry-spotlight` is the one package users install; the other workspace packages are its source layout
// and are never published, so every build here bundles them. One `vite build` per mode, chained by
// `npm run build`, all into dist/:
// - `lib` (default): dist/sentry-spotlight.js, the ESM library for `import * as Spotlight from 'sentry-spotlight'`.
// - `iife`: dist/sentry-spotlight.iife.js, the same API as the global `Spotlight` for a plain <script>.
// - `page`: dist/index.html (the sidecar's full-page debugger) and dist/assets/main.js, a stable unhashed ES module
//   that mounts the overlay by itself (what server frameworks inject).
// - `node`: dist/node.js (`sentry-spotlight` under Node), express.js, vite.js and browser.js: the SDK hooks.
// - `sidecar`: dist/sidecar/, the sidecar and its CLI, built by packages/sidecar's own config.
// - `types`: the .d.ts of every entry, generated from the code with the workspace's types inlined.
// React and every other dependency of the overlay are bundled: it works in any page, React or not, any version.
const root = fileURLToPath(new URL('.', import.meta.url));
const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Escapes every non-ASCII character in the emitted JavaScript (`…` → `\u2026`). A page without a charset,
 * or a server that sends the script without one, would otherwise decode the bundle as Latin-1 and show
 * mojibake. Escapes are valid in strings, templates, regular expressions and identifiers alike.
 */
function asciiOnly(): Plugin {
  return {
    name: 'spotlight:ascii-only',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        file.code = file.code.replace(/[^ -~\t\n\r]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
    },
  };
}

/**
 * React picks its production build by `process.env.NODE_ENV`: written as "production" in React's own files
 * only. Spotlight's code keeps the expression for the app's bundler to replace, since its guard against
 * running in an app's production build reads it (sdk-hooks/src/browser/production.ts).
 */
function reactProductionBuild(): Plugin {
  return {
    name: 'spotlight:react-production',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('/node_modules/') || !code.includes('process.env.NODE_ENV')) return undefined;
      return { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null };
    },
  };
}

/** The private workspace packages: bundled into every build of this one. */
const WORKSPACE = /^@spotlight\//;
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Bare imports the user's project provides (Node's built-ins, vite, express...); the workspace's are bundled. */
function isExternal(id: string): boolean {
  if (BUILTINS.has(id)) return true;
  return !WORKSPACE.test(id) && !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);
}

interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
}

/**
 * dist/sidecar/: packages/sidecar built by its own config (CommonJS, the start-up chunk: see its
 * vite.config.ts), only into this package's dist. What it leaves as imports (its `dependencies`) must be
 * this package's dependencies, and its `--version` is its package's version: both are checked here.
 */
async function sidecarConfig(): Promise<UserConfig> {
  const read = (path: string) => JSON.parse(readFileSync(entry(path), 'utf8')) as Manifest;
  const sidecar = read('../sidecar/package.json');
  const own = read('./package.json');
  const problems = Object.entries(sidecar.dependencies ?? {})
    .filter(([name, range]) => own.dependencies?.[name] !== range)
    .map(([name, range]) => `add "${name}": "${range}" to packages/overlay/package.json's dependencies`);
  if (sidecar.version !== own.version)
    problems.push(`give @spotlight/sidecar (${sidecar.version}) the version of sentry-spotlight (${own.version})`);
  if (problems.length > 0) throw new Error(`sentry-spotlight ships the sidecar: ${problems.join('; ')}`);
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, entry('../sidecar/vite.config.ts'));
  if (!loaded) throw new Error('packages/sidecar/vite.config.ts did not load');
  return mergeConfig(loaded.config, { build: { outDir: entry('./dist/sidecar'), emptyOutDir: true } });
}

export default defineConfig(async ({ mode }): Promise<UserConfig> => {
  const shared: UserConfig = {
    root,
    plugins: [reactProductionBuild(), tailwindcss(), asciiOnly()],
    resolve: { conditions: ['source', ...defaultClientConditions] },
    oxc: { jsx: { runtime: 'automatic' } },
    logLevel: 'warn',
  };
  if (mode === 'node') {
    // The server side and the light browser bridge: dist/node.js (`import * as Spotlight from 'sentry-spotlight'`
    // under Node, through the `node` export condition), express.js, vite.js and browser.js. The SDK hooks and
    // the envelope model are bundled in; Node's built-ins and whatever the user brings (vite, express, Sentry's
    // SDKs: imported for their types only) stay imports.
    return {
      root,
      logLevel: 'warn',
      resolve: { conditions: ['source'] },
      ssr: { noExternal: [WORKSPACE], resolve: { conditions: ['source'], externalConditions: ['source'] } },
      build: {
        ssr: true,
        outDir: 'dist',
        emptyOutDir: false,
        target: 'node20',
        sourcemap: true,
        minify: false,
        rolldownOptions: {
          input: {
            node: entry('./src/node.ts'),
            express: entry('./src/express.ts'),
            vite: entry('./src/vite.ts'),
            browser: entry('./src/browser.ts'),
            // What production builds resolve `sentry-spotlight` and `sentry-spotlight/browser` to in a page (the
            // `production` export condition): the same names, doing nothing.
            inert: entry('./src/inert.ts'),
          },
          external: isExternal,
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
    };
  }
  if (mode === 'sidecar') return sidecarConfig();
  if (mode === 'types') {
    // One declaration file per entry, each self-contained but for the user's own packages (vite, express): the
    // compiler (TypeScript 7) emits them from the code, rolldown-plugin-dts inlines what they import from the
    // workspace packages and from @sentry/core's types, and names the shared part chunks/*.d.ts.
    return {
      root,
      logLevel: 'warn',
      resolve: { conditions: ['source'] },
      // What to leave as imports is decided by `external` alone.
      ssr: { noExternal: true, resolve: { conditions: ['source'], externalConditions: ['source'] } },
      // The plugin hands .d.ts modules to the bundle; Vite must not transform them as TypeScript.
      oxc: { exclude: [/\.js$/, /\.d\.[cm]?ts$/] },
      plugins: [
        dts({
          dtsOnly: true,
          generator: 'tsgo',
          tsconfig: entry('./tsconfig.dts.json'),
          // On TypeScript 7.0 this backend runs the compiler's CLI; it is deprecated in favour of 7.1's API, which
          // the plugin picks by itself. Quiet but for problems (and for that deprecation notice).
          logger: { info: () => {}, warn: (message) => /deprecated/.test(message) || console.warn(message), error: console.error },
        }),
      ],
      build: {
        ssr: true,
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: false,
        minify: false,
        rolldownOptions: {
          input: {
            index: entry('./src/universal.ts'),
            'sentry-spotlight': entry('./src/index.ts'),
            node: entry('./src/node.ts'),
            express: entry('./src/express.ts'),
            vite: entry('./src/vite.ts'),
            browser: entry('./src/browser.ts'),
          },
          external: (id: string) => isExternal(id) && !id.startsWith('@sentry/core'),
          output: { format: 'es', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
          checks: { pluginTimings: false },
        },
      },
    };
  }
  if (mode === 'page') {
    return {
      ...shared,
      // An app build would write the page's NODE_ENV into Spotlight's production guard: the sidecar's files
      // are only ever served in development.
      define: { 'process.env.NODE_ENV': JSON.stringify('development') },
      base: '/',
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2022',
        sourcemap: true,
        modulePreload: false,
        rolldownOptions: {
          // dist/assets/hook.js: what the Vite plugin puts before a page's own scripts (see src/hook.ts).
          input: { index: entry('./index.html'), hook: entry('./src/hook.ts') },
          output: {
            entryFileNames: (chunk) => (chunk.name === 'hook' ? 'assets/hook.js' : 'assets/main.js'),
            chunkFileNames: 'assets/[name]-[hash].js',
            assetFileNames: 'assets/[name]-[hash][extname]',
            codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
          },
        },
      },
    };
  }
  const iife = mode === 'iife';
  return {
    ...shared,
    build: {
      outDir: 'dist',
      // The lib build runs first and starts from a clean folder; the others add to it.
      emptyOutDir: !iife,
      target: 'es2022',
      sourcemap: true,
      // React is bundled in: ship it fully minified (Vite keeps ES libraries readable by default; the
      // ESM budget is 150 KB gzip).
      rolldownOptions: { output: { minify: true } },
      lib: iife
        ? { entry: entry('./src/index.ts'), formats: ['iife'], name: 'Spotlight', fileName: () => 'sentry-spotlight.iife.js' }
        : { entry: entry('./src/index.ts'), formats: ['es'], fileName: () => 'sentry-spotlight.js' },
    },
  };
});
