import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { attrOf, eventually, issueRow, openOverlay, SHOW_TIMEOUT_MS, tableValue, textOf } from './helpers/overlay.ts';
import { userEnv } from './helpers/pack.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { type RunningProcess, spawnUntil } from './helpers/processes.ts';

// The example's Express API as a developer runs it, with no sidecar running and none named: the app starts
// one itself (the Node hook, the Express helpers), on a free port, with a short idle period, and Chromium
// loads its server-rendered pages and its error page. The period leaves a loaded machine's Chromium time to
// load the overlay from a sidecar just started (and connect, which keeps it up).
const IDLE_EXIT_SECONDS = 5;
let api: RunningProcess;
let apiUrl: string;
let browser: Browser;
const stateFile = join(mkdtempSync(join(tmpdir(), 'spotlight-e2e-express-')), 'sidecar.json');

function sidecarPid(): number | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    return (JSON.parse(readFileSync(stateFile, 'utf8')) as { pid?: number }).pid;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // A developer's shell: not CI (where the hooks start no sidecar), none of this machine's Spotlight settings.
  const env = userEnv();
  const port = await freePort();
  api = await spawnUntil(process.execPath, ['--import', './server/instrument.mjs', 'server/index.mjs'], {
    cwd: `${REPO_ROOT}/examples/express-react`,
    env: {
      ...env,
      NODE_ENV: 'development',
      API_PORT: '0',
      SPOTLIGHT_PORT: String(port),
      SPOTLIGHT_STATE_FILE: stateFile,
      SPOTLIGHT_IDLE_EXIT: String(IDLE_EXIT_SECONDS),
    },
    ready: /API listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
  apiUrl = api.match[1] ?? '';
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  const pid = sidecarPid();
  if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
});

/** A free loopback port (bound, then released) for the sidecar the app starts. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The order page, with the overlay loaded from the sidecar and connected to it (a viewer: it keeps it up). */
async function openOrderPage(): Promise<{ page: Page; log: () => string }> {
  const page = await browser.newPage();
  const log = recordConsole(page);
  await page.goto(`${apiUrl}/orders/1`);
  await page.getByRole('heading', { name: 'Order 1' }).waitFor();
  const root = overlay(page);
  try {
    await root.getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
    await openOverlay(page);
    await eventually(() => attrOf(root.getByTestId('connection-status'), 'data-status'), 'open');
  } catch (error) {
    throw new Error(`${error}\nPage console:\n${log()}\nAPI output:\n${api.output()}`);
  }
  return { page, log };
}

describe('examples/express-react API, with the sidecar it starts itself', () => {
  it('after that sidecar exited on idle, reloading the page brings it back: the overlay is there and a new error shows', async () => {
    // The developer uses the app (its sidecar was started when the app started), then opens the page.
    expect(await (await fetch(`${apiUrl}/api/reports/sales`)).json()).toMatchObject({ rows: 365 });
    const first = await openOrderPage();
    const firstPid = sidecarPid();
    expect(firstPid).toBeDefined();
    // The developer closes the tab: nobody watches, nobody sends, and the sidecar exits.
    await first.page.close();
    await expect.poll(() => alive(firstPid ?? 0), { timeout: 30_000, interval: 200 }).toBe(false);

    const { page } = await openOrderPage();
    const secondPid = sidecarPid();
    expect(secondPid).toBeDefined();
    expect(secondPid).not.toBe(firstPid);
    expect(await page.evaluate(async () => (await fetch('/api/inventory/SKU-77')).status)).toBe(500);
    const row = issueRow(page, 'InventoryError', 'Inventory service unavailable for SKU-77');
    await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await screenshot(page, 'express-sidecar-back-after-idle-exit');
    await page.close();
  });

  it('reloading the error page three times shows one issue counted 3, with its trace link, release and breadcrumbs', async () => {
    const page = await browser.newPage();
    const root = overlay(page);
    for (let reload = 1; reload <= 3; reload++) {
      const response = reload === 1 ? await page.goto(`${apiUrl}/orders/7`) : await page.reload();
      expect(response?.status()).toBe(500);
      await eventually(() => attrOf(root, 'data-full-page'), '');
      await eventually(() => textOf(root.getByTestId('detail-title')), 'TypeError');
      await eventually(() => textOf(root.getByTestId('event-position')), `Event ${reload} of ${reload}`);
    }
    await eventually(() => textOf(root.getByTestId('detail-event-count')), '3 events');
    await root.getByTestId('view-trace').waitFor();
    await eventually(() => textOf(tableValue(root.getByTestId('about-table'), 'release')), 'api@1.0.0');
    expect(await root.getByTestId('breadcrumb').count()).toBeGreaterThan(0);
    await screenshot(page, 'express-error-page-reloaded-3-times');

    await root.getByTestId('back-to-issues').click();
    const row = issueRow(page, 'TypeError', "Cannot read properties of undefined (reading 'id')");
    await row.first().waitFor({ timeout: SHOW_TIMEOUT_MS });
    expect(await row.count()).toBe(1);
    await eventually(() => attrOf(row.getByTestId('issue-count'), 'data-count'), '3');
    await page.close();
  });
});
