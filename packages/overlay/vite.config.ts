import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { defaultClientConditions, defineConfig, type Plugin, type UserConfig } from 'vite';

// Three builds into one dist/, chained by `npm run build` (one `vite build` per mode):
// - `lib` (default): dist/sentry-spotlight.js, the ESM library for `import * as Spotlight from 'sentry-spotlight'`.
// - `iife`: dist/sentry-spotlight.iife.js, the same API as the global `Spotlight` for a plain <script>.
// - `page`: dist/index.html (the sidecar's full-page debugger) and dist/assets/main.js, a stable unhashed ES module
//   that mounts the overlay by itself (what server frameworks inject).
// React and every other dependency are bundled: the overlay works in any page, React or not, any version.

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

/** Ships the hand-kept public declarations (checked against the source by src/publicTypes.check.ts). */
function publicTypes(): Plugin {
  return {
    name: 'spotlight:public-types',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'sentry-spotlight.d.ts',
        source: readFileSync(entry('./types/sentry-spotlight.d.ts'), 'utf8'),
      });
    },
  };
}

export default defineConfig(({ mode }): UserConfig => {
  const shared: UserConfig = {
    root,
    plugins: [tailwindcss(), asciiOnly()],
    resolve: { conditions: ['source', ...defaultClientConditions] },
    // Libraries keep `process.env.NODE_ENV` for their users to replace; the bundle ships React's production build.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    oxc: { jsx: { runtime: 'automatic' } },
    logLevel: 'warn',
  };
  if (mode === 'node') {
    // The server side of the one package users install: dist/node.js (`import * as Spotlight from
    // 'sentry-spotlight'` under Node, through the `node` export condition), dist/express.js and dist/vite.js.
    // They re-export the SDK hooks, which stay an import with their own dependencies.
    return {
      root,
      logLevel: 'warn',
      resolve: { conditions: ['source'] },
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
          },
          external: [/^@spotlight\/sdk-hooks/, /^node:/],
          output: { format: 'es', entryFileNames: '[name].js' },
        },
      },
    };
  }
  if (mode === 'page') {
    return {
      ...shared,
      base: '/',
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2022',
        sourcemap: true,
        modulePreload: false,
        rolldownOptions: {
          input: entry('./index.html'),
          output: {
            entryFileNames: 'assets/main.js',
            chunkFileNames: 'assets/[name]-[hash].js',
            assetFileNames: 'assets/[name]-[hash][extname]',
          },
        },
      },
    };
  }
  const iife = mode === 'iife';
  return {
    ...shared,
    plugins: [...(shared.plugins ?? []), ...(iife ? [] : [publicTypes()])],
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
