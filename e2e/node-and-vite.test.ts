import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, screenshot } from './helpers/browser.ts';
import { eventually, issueRow, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { type RunningProcess, type Sidecar, spawnUntil, startSidecar } from './helpers/processes.ts';

let sidecar: Sidecar;
let browser: Browser;
let appDir: string;

beforeAll(async () => {
  sidecar = await startSidecar();
  browser = await launchBrowser();
  appDir = mkdtempSync(join(tmpdir(), 'spotlight-e2e-vite-'));
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  rmSync(appDir, { recursive: true, force: true });
});

describe('examples/node-script', () => {
  it("reports the script's uncaught error, which the sidecar's full page shows", async () => {
    const script = await spawnUntil(process.execPath, ['index.mjs'], {
      cwd: `${REPO_ROOT}/examples/node-script`,
      env: { ...process.env, NODE_ENV: 'development', SENTRY_SPOTLIGHT: `${sidecar.url}/stream` },
      ready: /ImportError: Row 3 has no quantity/,
    });
    await new Promise<void>((resolve) => {
      if (script.child.exitCode !== null) resolve();
      else script.child.once('exit', () => resolve());
    });
    expect(script.child.exitCode).toBe(1);
    const tab = await browser.newPage();
    await tab.goto(`${sidecar.url}/`);
    const row = issueRow(tab, 'ImportError', 'Row 3 has no quantity: "SKU-3"');
    await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(() => textOf(row.getByTestId('issue-service')), 'node · inventory-import@1.0.0');
    await screenshot(tab, 'node-script-error');
    await tab.close();
  });
});

describe('the Vite plugin in a dev server', () => {
  it('opens Spotlight on a build error, with the file and line, instead of Vite’s overlay', async () => {
    await mkdir(join(appDir, 'src'));
    // An app of its own outside the repository, with the repository's installed packages.
    symlinkSync(`${REPO_ROOT}/node_modules`, join(appDir, 'node_modules'), 'dir');
    writeFileSync(
      join(appDir, 'index.html'),
      '<!doctype html><html><head><title>Vite app</title></head><body><h1>Vite app</h1><script type="module" src="/src/main.ts"></script></body></html>',
    );
    writeFileSync(join(appDir, 'src/main.ts'), "import { price } from './price.ts';\ndocument.title = String(price(2));\n");
    writeFileSync(join(appDir, 'src/price.ts'), 'export function price(count: number) {\n  return count * ;\n}\n');
    writeFileSync(
      join(appDir, 'vite.config.mjs'),
      `import { spotlight } from '@spotlight/sdk-hooks/vite';\nexport default { plugins: [spotlight()], cacheDir: '.vite', server: { host: '127.0.0.1', port: 0 } };\n`,
    );
    // The dev server as a user starts it: the Vite CLI, with the config above (the plugin from the built package).
    const vite: RunningProcess = await spawnUntil(
      process.execPath,
      [`${REPO_ROOT}/node_modules/vite/bin/vite.js`, '--config', 'vite.config.mjs'],
      {
        cwd: appDir,
        env: { ...process.env, NODE_ENV: 'development', SENTRY_SPOTLIGHT: `${sidecar.url}/stream` },
        ready: /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/,
      },
    );
    try {
      const tab = await browser.newPage();
      await tab.goto(vite.match[1] ?? '');
      const root = overlay(tab);
      await eventually(() => textOf(root.getByTestId('detail-title')), 'SyntaxError');
      await eventually(() => textOf(root.getByTestId('detail-subtitle')), 'Unexpected token');
      const topFrame = root.getByTestId('frame').filter({ has: tab.getByTestId('frame-path').getByText('src/price.ts', { exact: false }) });
      await topFrame.first().waitFor({ timeout: SHOW_TIMEOUT_MS });
      expect(await topFrame.first().textContent()).toContain('return count * ;');
      // Vite's own overlay stays away.
      expect(await tab.locator('vite-error-overlay').count()).toBe(0);
      await screenshot(tab, 'vite-build-error');
      await tab.close();
    } finally {
      await vite.stop();
    }
  });
});
