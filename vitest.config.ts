import { defineConfig } from 'vitest/config';

// One runner for the whole repo. `unit` holds unit and integration tests beside the code (servers on
// port 0, real HTTP); `e2e` drives Debian's Chromium against the built packages and the examples.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          // Node would resolve the MCP SDK's own imports with the `source` condition (eventsource-parser's
          // points at TypeScript): Vite resolves and transforms them instead.
          server: { deps: { inline: [/@modelcontextprotocol\/sdk/] } },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['e2e/setup/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
