import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { API_SECRETS, type RunningExample, startExpressReactExample } from './helpers/example.ts';
import { attrOf, eventually, issueRow, openOverlay, SHOW_TIMEOUT_MS, tableValue, textOf } from './helpers/overlay.ts';
import { type Sidecar, startSidecar } from './helpers/processes.ts';

// The example app as a user runs it (one command: Express API + Vite dev server with the Spotlight plugin),
// a sidecar on a free port, and Debian's Chromium clicking the page's buttons.
let sidecar: Sidecar;
let example: RunningExample;
let browser: Browser;

beforeAll(async () => {
  sidecar = await startSidecar();
  example = await startExpressReactExample(sidecar.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await example?.stop();
  await sidecar?.stop();
});

async function openExample(): Promise<{ page: Page; log: () => string }> {
  const page = await browser.newPage();
  const log = recordConsole(page);
  await page.goto(example.webUrl);
  await page.getByRole('heading', { name: 'Spotlight example' }).waitFor();
  await overlay(page).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
  return { page, log };
}

async function status(page: Page): Promise<string | undefined> {
  return textOf(page.locator('output'));
}

describe('examples/express-react in Chromium', () => {
  it('shows the error thrown in the browser, with its exact title, in the overlay', async () => {
    const { page, log } = await openExample();
    await page.getByRole('button', { name: 'Throw in the browser' }).click();
    await eventually(() => status(page), 'Threw CheckoutError in the browser');
    await eventually(() => attrOf(overlay(page).getByTestId('spotlight-badge'), 'data-count'), '1').catch((error) => {
      throw new Error(`${error}\nPage console:\n${log()}`);
    });
    await openOverlay(page);
    const row = issueRow(page, 'CheckoutError', 'Cart total is NaN after applying coupon SPRING');
    await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(() => attrOf(row.getByTestId('issue-count'), 'data-count'), '1');
    await screenshot(page, 'express-react-browser-error');
    await page.close();
  });

  it('shows the backend failure of a button, from the API service', async () => {
    const { page } = await openExample();
    await page.getByRole('button', { name: 'Fail in the backend' }).click();
    await eventually(() => status(page), 'Backend answered 500');
    await openOverlay(page);
    const row = issueRow(page, 'InventoryError', 'Inventory service unavailable for SKU-1042');
    await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(() => textOf(row.getByTestId('issue-service')), 'node · api@1.0.0');
    await row.click();
    await eventually(() => textOf(overlay(page).getByTestId('detail-title')), 'InventoryError');
    await eventually(() => textOf(overlay(page).getByTestId('request-url')), `${example.apiUrl}/api/inventory/SKU-1042`);
    await screenshot(page, 'express-react-backend-error');
    await page.close();
  });

  it('groups the same error thrown 40 times into one issue counted 40', async () => {
    const { page } = await openExample();
    await page.getByRole('button', { name: 'Throw the same error 40 times' }).click();
    await eventually(() => status(page), 'Captured the same error 40 times');
    await openOverlay(page);
    const row = issueRow(page, 'ResourceNotFoundError', 'Resource not found: /api/widgets/42');
    await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(() => attrOf(row.getByTestId('issue-count'), 'data-count'), '40');
    expect(await row.count()).toBe(1);
    await screenshot(page, 'express-react-grouped-40');
    await page.close();
  });

  it('shows the slow request as one trace with spans from the browser and the API', async () => {
    const { page } = await openExample();
    await page.getByRole('button', { name: 'Slow request, traced through both' }).click();
    await expect.poll(() => status(page), { timeout: SHOW_TIMEOUT_MS }).toMatch(/^Sales report: 365 rows in \d+ ms$/);
    await openOverlay(page);
    await overlay(page).getByTestId('tab-traces').click();
    const trace = overlay(page)
      .getByTestId('trace-row')
      .filter({ has: page.getByTestId('trace-name').getByText('Load sales report', { exact: true }) });
    await trace.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await trace.click();
    const waterfall = overlay(page).getByTestId('waterfall');
    const span = (name: string) =>
      waterfall.getByTestId('span-row').filter({ has: page.getByTestId('span-name').getByText(name, { exact: true }) });
    // The browser's click span, and the API's spans of the request it made, in one waterfall.
    await span('Load sales report').waitFor({ timeout: SHOW_TIMEOUT_MS });
    await span('SELECT sales by day').waitFor({ timeout: SHOW_TIMEOUT_MS });
    await span('render report').waitFor({ timeout: SHOW_TIMEOUT_MS });
    expect(await span('Load sales report').textContent()).toContain('web@1.0.0');
    expect(await span('SELECT sales by day').textContent()).toContain('api@1.0.0');
    await screenshot(page, 'express-react-trace-waterfall');
    await page.close();
  });

  it("replaces Express's error page: a failing HTML route opens Spotlight on the error, with request headers and masked secrets", async () => {
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ 'X-Request-Id': 'e2e-order-7', Authorization: 'Bearer e2e-secret-token' });
    const response = await page.goto(`${example.apiUrl}/orders/7?ref=e2e&access_token=e2e-query-secret`);
    expect(response?.status()).toBe(500);
    const root = overlay(page);
    await eventually(() => attrOf(root, 'data-full-page'), '');
    await eventually(() => textOf(root.getByTestId('detail-title')), 'TypeError');
    await eventually(() => textOf(root.getByTestId('detail-subtitle')), "Cannot read properties of undefined (reading 'id')");
    await eventually(() => textOf(root.getByTestId('request-method')), 'GET');
    await eventually(() => textOf(root.getByTestId('request-url')), `${example.apiUrl}/orders/7?ref=e2e&access_token=[Filtered]`);
    const headers = root.getByTestId('request-headers');
    await eventually(() => textOf(tableValue(headers, 'x-request-id')), 'e2e-order-7');
    await eventually(() => textOf(tableValue(headers, 'authorization')), '[Filtered]');
    const env = root.getByTestId('context').and(root.locator('[data-context="environment_variables"]'));
    await eventually(() => textOf(tableValue(env, 'STRIPE_SECRET_KEY')), '[Filtered]');
    await eventually(() => textOf(tableValue(env, 'DATABASE_URL')), 'postgres://shop:[Filtered]@127.0.0.1:5432/shop');
    await eventually(() => textOf(tableValue(env, 'NODE_ENV')), 'development');
    const pageText = await page
      .locator('html')
      .evaluate(
        (html) => (html as HTMLElement).textContent + (document.getElementById('sentry-spotlight-root')?.shadowRoot?.textContent ?? ''),
      );
    for (const secret of [
      ...Object.values(API_SECRETS).map((value) => value.replace(/^.*:(.*)@.*$/, '$1')),
      'e2e-secret-token',
      'e2e-query-secret',
    ]) {
      expect(pageText).not.toContain(secret);
    }
    await screenshot(page, 'express-react-error-page');
    await page.close();
  });

  it('gives a server-rendered page of the API the overlay without touching its template', async () => {
    const page = await browser.newPage();
    await page.goto(`${example.apiUrl}/orders/1`);
    await page.getByRole('heading', { name: 'Order 1' }).waitFor();
    await overlay(page).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
    await screenshot(page, 'express-react-injected-overlay');
    await page.close();
  });
});
