import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// One library build for every entry of the package's `exports`. Entries whose source does not exist
// yet (colleagues add src/express and src/vite in parallel) are left out so the build never breaks.
const ENTRIES: Record<string, string> = {
  index: 'src/index.ts',
  node: 'src/node/index.ts',
  browser: 'src/browser/index.ts',
  express: 'src/express/index.ts',
  vite: 'src/vite/index.ts',
};

const input = Object.fromEntries(
  Object.entries(ENTRIES)
    .map(([name, path]) => [name, fileURLToPath(new URL(path, import.meta.url))] as const)
    .filter(([, path]) => existsSync(path)),
);

// The shared envelope model is private to the workspace, so it is bundled; everything else a user
// installs (Sentry's SDKs, express, vite, the sidecar) stays an import.
const BUNDLED = /^@spotlight\/envelope(\/|$)/;

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] }, noExternal: [BUNDLED] },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input,
      external: (id) =>
        !BUNDLED.test(id) && !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
