import { chmod } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// An SSR (Node) library build of the two entry points into dist/: cli.js (the `spotlight` bin,
// with its shebang, executable) and index.js (createApp, startSidecar...). @spotlight/envelope is
// bundled (it ships TypeScript only); Node built-ins, express and fzstd stay imports. app.ts
// (Express) and decoders.ts (fzstd, zlib) are imported dynamically, so they get chunks of their own
// and cli.js loads neither before it listens (cli.test.ts checks that it works without Express).

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
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
  plugins: [
    {
      name: 'spotlight-cli-executable',
      async writeBundle(options) {
        if (options.dir) await chmod(`${options.dir}/cli.js`, 0o755);
      },
    },
  ],
});
