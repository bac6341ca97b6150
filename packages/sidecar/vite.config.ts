import { chmod } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// An SSR (Node) library build of the two entry points into dist/: cli.cjs (the `spotlight` bin,
// with its shebang, executable) and index.cjs (createApp, startSidecar...). @spotlight/envelope is
// bundled (it ships TypeScript only); Node built-ins, express and fzstd stay imports. app.ts
// (Express) and decoders.ts (fzstd, zlib) are imported dynamically, so they get chunks of their own
// and cli.cjs loads neither before it listens (cli.test.ts checks that it works without Express).
//
// CommonJS, not ES modules: lazy start puts the CLI's start-up on the app's path, and Node 20 starts
// a CommonJS script about 15 ms sooner, because it never sets up its ES module loader (cli.test.ts
// checks that the CLI does not). ES module code imports index.cjs by name all the same. Dynamic
// imports become require() calls, so a later `import('node:v8')` does not set that loader up either.

const root = fileURLToPath(new URL('.', import.meta.url));
const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const external = ['express', 'fzstd', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default defineConfig({
  root,
  resolve: { conditions: ['source'] },
  ssr: {
    target: 'node',
    noExternal: ['@spotlight/envelope'],
    external: ['express', 'fzstd'],
    resolve: { conditions: ['source'], externalConditions: ['source'] },
  },
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      input: { cli: entry('./src/cli.ts'), index: entry('./src/index.ts') },
      external,
      output: {
        format: 'cjs',
        dynamicImportInCjs: false,
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
      },
    },
  },
  plugins: [
    {
      name: 'spotlight-cli-executable',
      async writeBundle(options) {
        if (options.dir) await chmod(`${options.dir}/cli.cjs`, 0o755);
      },
    },
  ],
});
