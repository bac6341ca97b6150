import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { eventually, issueRow, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { type RunningProcess, type Sidecar, spawnUntil, startSidecar } from './helpers/processes.ts';

// Two services as a user runs them against one sidecar: `inventory`, instrumented with OpenTelemetry
// only and exporting OTLP/protobuf to OTEL_EXPORTER_OTLP_ENDPOINT, and `checkout`, with @sentry/node
// 11 through Spotlight, which calls it with `propagateTraceparent`. The overlay must show one trace
// whose waterfall holds both services' spans, each labelled with its service, the OTel exception as
// an error of that trace and the OTel logs beside the Sentry ones.

const OTEL_SERVICE = 'opentelemetry.nodejs · inventory';
const SENTRY_SERVICE = 'node · checkout@2.0.0';

let sidecar: Sidecar;
let inventory: RunningProcess;
let browser: Browser;

beforeAll(async () => {
  sidecar = await startSidecar();
  inventory = await spawnUntil(process.execPath, ['e2e/otlp/inventory-otel.mjs'], {
    cwd: REPO_ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sidecar.url },
    ready: /inventory ready: (http:\/\/127\.0\.0\.1:\d+)/,
  });
  const checkout = await spawnUntil(process.execPath, ['e2e/otlp/checkout-sentry.mjs', inventory.match[1] ?? ''], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'development', SENTRY_SPOTLIGHT: `${sidecar.url}/stream` },
    ready: /checkout done/,
    timeoutMs: 30_000,
  });
  await checkout.stop();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await inventory?.stop();
  await sidecar?.stop();
});

async function openDebugger(): Promise<{ page: Page; log: () => string }> {
  const page = await browser.newPage();
  const log = recordConsole(page);
  await page.goto(`${sidecar.url}/`);
  await eventually(() => textOf(overlay(page).getByTestId('connection-status')), 'Live');
  return { page, log };
}

describe('an OpenTelemetry service and a @sentry/node service in Chromium', () => {
  it('shows one trace whose waterfall holds the spans of both, each with its service', async () => {
    const { page, log } = await openDebugger();
    const root = overlay(page);
    await root.getByTestId('tab-traces').click();
    const trace = root
      .getByTestId('trace-row')
      .filter({ has: page.getByTestId('trace-name').getByText('POST /checkout', { exact: true }) });
    await trace.waitFor({ timeout: SHOW_TIMEOUT_MS }).catch((error) => {
      throw new Error(`${error}\nPage console:\n${log()}\nInventory:\n${inventory.output()}`);
    });
    await trace.click();
    const waterfall = root.getByTestId('waterfall');
    const spans = (name: string) =>
      waterfall.getByTestId('span-row').filter({ has: page.getByTestId('span-name').getByText(name, { exact: true }) });
    // Checkout's segment and its two calls, and inventory's two requests (each with its query) under them.
    await eventually(() => spans('GET /stock/:sku').count(), 2);
    await eventually(() => spans('SELECT stock').count(), 2);
    await eventually(() => spans('GET 127.0.0.1').count(), 2);
    expect(await spans('POST /checkout').textContent()).toContain(SENTRY_SERVICE);
    expect(await spans('GET 127.0.0.1').first().textContent()).toContain(SENTRY_SERVICE);
    for (const name of ['GET /stock/:sku', 'SELECT stock']) {
      for (const row of await spans(name).all()) expect(await row.textContent()).toContain(OTEL_SERVICE);
    }
    // The OTel server span hangs under checkout's outgoing call: its depth is one more.
    const depth = async (name: string) => Number(await spans(name).first().getAttribute('data-depth'));
    expect(await depth('GET /stock/:sku')).toBe((await depth('GET 127.0.0.1')) + 1);
    expect(await depth('GET 127.0.0.1')).toBe((await depth('POST /checkout')) + 1);
    await screenshot(page, 'otlp-trace-waterfall');

    // Inventory's query span: its service, its original attributes, and the exception it recorded.
    await spans('SELECT stock').last().click();
    const detail = root.getByTestId('span-detail');
    await eventually(() => textOf(detail.getByTestId('span-detail-service')), OTEL_SERVICE);
    const attributes = detail.getByTestId('span-attribute-table');
    await expect.poll(() => attributes.textContent(), { timeout: SHOW_TIMEOUT_MS }).toContain('SELECT quantity FROM stock WHERE sku = $1');
    // The error event the exception became is linked to this span.
    await expect
      .poll(() => textOf(detail.getByTestId('span-errors').getByTestId('trace-error')), { timeout: SHOW_TIMEOUT_MS })
      .toContain('OutOfStockError: SKU-404 is not stocked in any warehouse');
    await screenshot(page, 'otlp-span-detail');
    await page.close();
  });

  it("shows the OTel service's exception as an issue of that service, and its logs beside checkout's", async () => {
    const { page } = await openDebugger();
    const root = overlay(page);
    const row = issueRow(page, 'OutOfStockError', 'SKU-404 is not stocked in any warehouse');
    await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(() => textOf(row.getByTestId('issue-service')), OTEL_SERVICE);
    await row.click();
    await eventually(() => textOf(root.getByTestId('detail-title')), 'OutOfStockError');
    await screenshot(page, 'otlp-error');

    await root.getByTestId('tab-logs').click();
    for (const text of ['no stock for SKU-404', 'stock of SKU-42: 7', 'inventory answered 404 for SKU-404']) {
      await root.getByTestId('log-message').getByText(text, { exact: true }).first().waitFor({ timeout: SHOW_TIMEOUT_MS });
    }
    await screenshot(page, 'otlp-logs');

    await root.getByTestId('tab-sdks').click();
    const sdk = root
      .getByTestId('sdk-row')
      .filter({ has: page.getByTestId('sdk-name').getByText('opentelemetry.nodejs', { exact: false }) });
    await sdk.waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(async () => Number(await sdk.getByTestId('sdk-count-span').getAttribute('data-count')), 4);
    await eventually(async () => Number(await sdk.getByTestId('sdk-count-log').getAttribute('data-count')), 2);
    await screenshot(page, 'otlp-sdks');
    await page.close();
  });
});
