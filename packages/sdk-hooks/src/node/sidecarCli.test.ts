import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSidecarCli } from './sidecarCli.ts';

describe('resolveSidecarCli', () => {
  const root = mkdtempSync(join(tmpdir(), 'spotlight-sidecar-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = (path: string, content = '') => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  const from = (path: string) => pathToFileURL(file(path)).href;

  it('finds the sidecar that sentry-spotlight ships beside the bundled hooks', () => {
    file('app/node_modules/sentry-spotlight/package.json', JSON.stringify({ name: 'sentry-spotlight' }));
    const cli = file('app/node_modules/sentry-spotlight/dist/sidecar/cli.cjs');
    expect(resolveSidecarCli(from('app/node_modules/sentry-spotlight/dist/chunks/launcher.js'))).toBe(cli);
    expect(resolveSidecarCli(from('app/node_modules/sentry-spotlight/dist/node.js'))).toBe(cli);
  });

  it("prefers its own package's sidecar to another sentry-spotlight higher up", () => {
    file('mono/node_modules/sentry-spotlight/package.json', JSON.stringify({ name: 'sentry-spotlight' }));
    file('mono/node_modules/sentry-spotlight/dist/sidecar/cli.cjs');
    const nested = 'mono/packages/api/node_modules/sentry-spotlight';
    file(`${nested}/package.json`, JSON.stringify({ name: 'sentry-spotlight' }));
    const cli = file(`${nested}/dist/sidecar/cli.cjs`);
    expect(resolveSidecarCli(from(`${nested}/dist/node.js`))).toBe(cli);
  });

  it("finds the workspace's @spotlight/sidecar from the hooks' own package", () => {
    file('ws/packages/sdk-hooks/package.json', JSON.stringify({ name: '@spotlight/sdk-hooks' }));
    file('ws/node_modules/@spotlight/sidecar/package.json', JSON.stringify({ name: '@spotlight/sidecar' }));
    const cli = file('ws/node_modules/@spotlight/sidecar/dist/cli.cjs');
    expect(resolveSidecarCli(from('ws/packages/sdk-hooks/src/node/sidecarCli.ts'))).toBe(cli);
  });

  it('is undefined when no sidecar is built or installed', () => {
    file('bare/node_modules/sentry-spotlight/package.json', JSON.stringify({ name: 'sentry-spotlight' }));
    expect(resolveSidecarCli(from('bare/node_modules/sentry-spotlight/dist/node.js'))).toBeUndefined();
  });
});
