import { chmod } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// An SSR (Node) library build of the two entry points into dist/: cli.cjs (the `spotlight` bin,
// with its shebang, executable) and index.cjs (createApp, startSidecar...). Bundled:
// @spotlight/envelope (TypeScript only), uuid (ES modules only), what forward.ts uses of
// @sentry/core and @bufbuild/protobuf (devDependencies: only the forward and OTLP chunks use
// them), and router with its dependencies: the CLI serves its routes on router from its first
// request, and router's fourteen module files to resolve and read cost a cold start more than one
// chunk (bench/README.md); `debug`, which router calls, is replaced by src/noDebug.cjs. Node built-ins
// and the runtime dependencies stay imports. app.ts (Express), decoders.ts (fzstd, zlib) and
// otlp/export.ts (the OTLP decoder) are imported dynamically, so they get chunks of their own and
// cli.cjs loads none of them before it listens (cli.test.ts checks it).
//
// CommonJS, not ES modules: lazy start puts the CLI's start-up on the app's path, and Node 20 starts
// a CommonJS script about 15 ms sooner, because it never sets up its ES module loader (cli.test.ts
// checks that the CLI does not). ES module code imports index.cjs by name all the same. Dynamic
// imports become require() calls, so the later import of v8Tuning.ts does not set that loader up either.

const root = fileURLToPath(new URL('.', import.meta.url));
const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// The MCP SDK (and zod, which it shares with our tool schemas) stays a dependency: loaded only by
// `spotlight mcp` and the first request to /mcp, from node_modules like serve-static.
const external = [
  'express',
  'fzstd',
  'serve-static',
  'zod',
  /^@modelcontextprotocol\/sdk(\/|$)/,
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
];

/**
 * Puts what cli.cjs loads before it listens (its static imports, recursively) into one chunk, which
 * index.cjs and the lazy chunks share. Left to itself, Rolldown split it by who else imports each
 * module: five files at start. Each costs a resolve and a read, and on the benchmark's machine two
 * files instead of five took a cold start 5 to 15 ms sooner (cli.test.ts checks that there are two).
 */
function startUpChunk(cliEntry: string) {
  const startUp = new Set<string>();
  const plugin: Plugin = {
    name: 'spotlight-start-up-chunk',
    buildStart() {
      startUp.clear();
    },
    // The module graph is complete here; chunks are formed after.
    buildEnd() {
      const pending = [...(this.getModuleInfo(cliEntry)?.importedIds ?? [])];
      for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
        if (startUp.has(id) || id === cliEntry) continue;
        startUp.add(id);
        pending.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
  };
  return { plugin, group: { name: 'server', test: (id: string) => startUp.has(id) } };
}
const startUp = startUpChunk(entry('./src/cli.ts'));

export default defineConfig({
  root,
  resolve: { conditions: ['source'], alias: { debug: fileURLToPath(new URL('./src/noDebug.cjs', import.meta.url)) } },
  ssr: {
    target: 'node',
    // Bundled: the envelope model, the overlay's data layer (issues, traces, logs for the MCP tools and
    // tail), the Node hooks' sidecar discovery, the SSE parser the overlay's client uses, the OTLP
    // decoder and the source-map reader of symbolication (each in a lazy chunk), uuid and router (see above).
    noExternal: [
      '@spotlight/envelope',
      'sentry-spotlight',
      '@spotlight/sdk-hooks',
      'eventsource-parser',
      '@bufbuild/protobuf',
      /^@jridgewell\//,
      '@sentry/core',
      'uuid',
      'router',
      'depd',
      'is-promise',
      'parseurl',
      'path-to-regexp',
    ],
    external: ['express', 'fzstd', 'serve-static', 'zod', '@modelcontextprotocol/sdk'],
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
        codeSplitting: { groups: [startUp.group] },
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
      },
    },
  },
  plugins: [
    startUp.plugin,
    {
      name: 'spotlight-cli-executable',
      async writeBundle(options) {
        if (options.dir) await chmod(`${options.dir}/cli.cjs`, 0o755);
      },
    },
  ],
});
