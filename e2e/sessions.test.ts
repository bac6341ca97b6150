import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { type RunningExample, startExpressReactExample } from './helpers/example.ts';
import { attrOf, eventually, issueRow, openOverlay, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { type Sidecar, startSidecar } from './helpers/processes.ts';

// Issue 4 as a user tries it: the example app (Vite + React page with @sentry/browser, Express API with
// @sentry/node) in Chromium, one page that is reloaded. The steps build on each other, in order: the
// first page load makes a trace across both services and a backend error, then the reload must show
// only what it caused, with the earlier session one click away and a pinned trace kept.
const BROWSER = 'browser · web@1.0.0';
const API = 'node · api@1.0.0';
const CLOCK = '\\d{2}:\\d{2}:\\d{2}';

let sidecar: Sidecar;
let example: RunningExample;
let browser: Browser;
let page: Page;
let pageLog: () => string;

// Learnt along the way: the first load's traces and the backend error's event id.
let salesTraceId = '';
let firstPageloadId = '';
let inventoryEventId = '';
let reloadTraceId = '';

beforeAll(async () => {
  sidecar = await startSidecar();
  example = await startExpressReactExample(sidecar.url);
  browser = await launchBrowser();
  page = await browser.newPage();
  pageLog = recordConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await example?.stop();
  await sidecar?.stop();
});

const root = (): Locator => overlay(page);

async function status(): Promise<string | undefined> {
  return textOf(page.locator('output'));
}

async function pageReady(): Promise<void> {
  await page.getByRole('heading', { name: 'Spotlight example' }).waitFor();
  await root().getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
}

/** The trace list as read: [name, trace id] per row, newest first. */
async function traceRows(): Promise<[string, string][]> {
  return root()
    .getByTestId('trace-row')
    .evaluateAll((rows) =>
      rows
        .map((row) => ({ top: row.getBoundingClientRect().top, row }))
        .sort((a, b) => a.top - b.top)
        .map(({ row }): [string, string] => [
          row.querySelector('[data-testid="trace-name"]')?.textContent ?? '',
          row.getAttribute('data-trace-id') ?? '',
        ]),
    );
}

async function traceNames(): Promise<string[]> {
  return (await traceRows()).map(([name]) => name);
}

function traceRow(traceId: string): Locator {
  return root().locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`);
}

/** Each tab's number as shown; no number (nothing to show) reads as undefined. */
async function tabCounts(): Promise<Record<string, string | undefined>> {
  const counts: Record<string, string | undefined> = {};
  for (const id of ['errors', 'traces', 'logs']) counts[id] = await textOf(root().getByTestId(`tab-${id}-count`));
  return counts;
}

async function chooseSession(option: 'current' | 'earlier' | 'all'): Promise<void> {
  await root().getByTestId('session-select').click();
  const menu = root().getByTestId('session-menu');
  if (option === 'all') await menu.getByTestId('session-all').click();
  else if (option === 'current') await menu.locator('[data-testid="session-option"][data-session-id="current"]').click();
  else await menu.locator('[data-testid="session-option"]:not([data-session-id="current"])').click();
  await menu.waitFor({ state: 'detached' });
}

describe('sessions in the example app (Chromium, one page reloaded)', () => {
  it('joins the slow request into one trace whose waterfall labels the browser and API spans with their service', async () => {
    await page.goto(example.webUrl);
    await pageReady();
    await page.getByRole('button', { name: 'Slow request, traced through both' }).click();
    await expect.poll(status, { timeout: SHOW_TIMEOUT_MS }).toMatch(/^Sales report: 365 rows in \d+ ms$/);
    await openOverlay(page);
    await root().getByTestId('tab-traces').click();
    // The click's own trace, and the page load's.
    await eventually(traceNames, ['Load sales report', 'Pageload']).catch((error) => {
      throw new Error(`${error}\nPage console:\n${pageLog()}`);
    });
    [[, salesTraceId], [, firstPageloadId]] = (await traceRows()) as [[string, string], [string, string]];
    const sales = traceRow(salesTraceId);
    await eventually(() => sales.getByTestId('service-label').allTextContents(), [BROWSER, API]);
    await screenshot(page, 'sessions-1-traces');

    await sales.getByRole('button', { name: 'Open trace Load sales report' }).click();
    await eventually(() => textOf(root().getByTestId('trace-title')), 'Load sales report');
    const waterfall = root().getByTestId('waterfall');
    const serviceOf = (name: string) =>
      textOf(
        waterfall
          .getByTestId('span-row')
          .filter({ has: page.getByTestId('span-name').getByText(name, { exact: true }) })
          .getByTestId('service-label'),
      );
    // The browser's click span and the API's request, query and render spans: one waterfall, each with its service.
    await eventually(() => serviceOf('Load sales report'), BROWSER);
    await eventually(() => serviceOf('GET /api/reports/sales'), API);
    await eventually(() => serviceOf('SELECT sales by day'), API);
    await eventually(() => serviceOf('render report'), API);
    const rows = waterfall.getByTestId('span-row');
    const labels = new Set(await rows.getByTestId('service-label').allTextContents());
    expect([...labels].sort()).toEqual([BROWSER, API]);
    expect(await rows.getByTestId('service-label').count()).toBe(await rows.count());
    // The trace's side panel names both services (span counts vary with the SDK's browser spans).
    const panel = root().getByTestId('trace-services-panel');
    expect(await panel.getByTestId('service-label').allTextContents()).toEqual([BROWSER, API]);
    await screenshot(page, 'sessions-2-waterfall');
  });

  it('links the backend error from its trace, and the link opens the error', async () => {
    await root().getByTestId('close-button').click();
    await page.getByRole('button', { name: 'Fail in the backend' }).click();
    await eventually(status, 'Backend answered 500');
    await openOverlay(page);
    await root().getByTestId('trace-back').click();
    // The request ran in the page's trace: the page load's trace now holds the API's error.
    const pageload = traceRow(firstPageloadId);
    await eventually(() => textOf(pageload.getByTestId('trace-error-count')), '1');
    expect(await pageload.getByTestId('service-label').allTextContents()).toEqual([BROWSER, API]);
    await pageload.getByRole('button', { name: 'Open trace Pageload' }).click();
    const link = root().getByTestId('trace-errors').getByTestId('trace-error');
    await link.waitFor({ timeout: SHOW_TIMEOUT_MS });
    expect(await link.count()).toBe(1);
    expect(await textOf(link)).toMatch(new RegExp(`^InventoryError: Inventory service unavailable for SKU-1042${API}${CLOCK}\\.\\d{3}$`));
    inventoryEventId = (await link.getAttribute('data-event-id')) ?? '';
    expect(inventoryEventId).toMatch(/^[0-9a-f]{32}$/);
    await screenshot(page, 'sessions-3-trace-error-link');

    await link.click();
    await eventually(() => textOf(root().getByTestId('detail-title')), 'InventoryError');
    expect(await textOf(root().getByTestId('detail-subtitle'))).toBe('Inventory service unavailable for SKU-1042');
    expect(await attrOf(root().getByTestId('event-detail'), 'data-event-id')).toBe(inventoryEventId);
    expect(await root().getByTestId('issue-outside-session').count()).toBe(0);
    await root().getByTestId('back-to-issues').click();
    const row = issueRow(page, 'InventoryError', 'Inventory service unavailable for SKU-1042');
    await eventually(() => attrOf(row.getByTestId('issue-count'), 'data-count'), '1');
    await eventually(tabCounts, { errors: '1', traces: '2', logs: '1' });
    await screenshot(page, 'sessions-4-errors-first-load');
  });

  it('after a reload shows only what the reload caused, keeps the pinned trace, and hides the earlier error', async () => {
    await root().getByTestId('tab-traces').click();
    await traceRow(salesTraceId).getByTestId('pin-trace').click();
    await eventually(() => attrOf(traceRow(salesTraceId).getByTestId('pin-trace'), 'aria-pressed'), 'true');

    await page.reload();
    await pageReady();
    await openOverlay(page);
    await root().getByTestId('tab-traces').click();
    // The reload's page load, and the pinned trace; the first page load's trace is hidden.
    await eventually(traceNames, ['Pageload', 'Load sales report']);
    const [[, reloadId], [, pinnedId]] = (await traceRows()) as [[string, string], [string, string]];
    reloadTraceId = reloadId;
    expect(reloadId).not.toBe(firstPageloadId);
    expect(pinnedId).toBe(salesTraceId);
    expect(await attrOf(traceRow(salesTraceId).getByTestId('pin-trace'), 'aria-pressed')).toBe('true');
    expect(await textOf(traceRow(reloadId).getByTestId('trace-error-count'))).toBe('0');
    expect(await attrOf(root().getByTestId('session-select'), 'data-selection')).toBe('current');
    expect(await textOf(root().getByTestId('session-hidden-count'))).toBe('1 earlier session hidden');
    // Tabs count what their view shows: no error in this session, the two traces, the pinned trace's log line.
    await eventually(tabCounts, { errors: undefined, traces: '2', logs: '1' });
    await screenshot(page, 'sessions-5-reload-traces');

    await root().getByTestId('tab-errors').click();
    const empty = root().getByTestId('errors-empty-session');
    await eventually(() => textOf(empty), 'No errors in this session1 error is in earlier sessions. Show all sessions');
    expect(await textOf(root().getByTestId('session-hidden-count'))).toBe('1 earlier session hidden');
    await screenshot(page, 'sessions-6-reload-errors');
  });

  it('shows the earlier session, or all, one click away: its trace and its error again', async () => {
    await root().getByTestId('session-select').click();
    const options = root().getByTestId('session-menu').getByRole('option');
    const texts = await options.allTextContents();
    expect(texts).toHaveLength(6);
    expect(texts[0]).toMatch(new RegExp(`^Current session${CLOCK} · this page loadPageload · 1 trace$`));
    expect(texts[1]).toBe(`Pageload${reloadTraceId.slice(0, 8)}`);
    expect(texts[2]).toMatch(new RegExp(`^Pageload${CLOCK} · page load2 traces · 1 error · 1 log$`));
    expect(texts.slice(3)).toEqual([
      `Load sales report${salesTraceId.slice(0, 8)}`,
      `Pageload${firstPageloadId.slice(0, 8)}`,
      'All sessions3 traces',
    ]);
    await screenshot(page, 'sessions-7-session-menu');
    await root().getByTestId('session-select').click();
    await root().getByTestId('session-menu').waitFor({ state: 'detached' });

    // The errors view follows the selection.
    await chooseSession('earlier');
    expect(await textOf(root().getByTestId('session-select'))).toMatch(new RegExp(`^Session ${CLOCK} · page load$`));
    const row = issueRow(page, 'InventoryError', 'Inventory service unavailable for SKU-1042');
    await eventually(() => attrOf(row.getByTestId('issue-count'), 'data-count'), '1');
    expect(await textOf(root().getByTestId('issue-summary'))).toBe('1 issue · 1 event');
    await eventually(tabCounts, { errors: '1', traces: '2', logs: '1' });
    await screenshot(page, 'sessions-8-earlier-errors');
    // The filter box narrows the list by every word typed, in any case, and says when nothing matches.
    const filter = root().getByRole('searchbox', { name: 'Filter issues' });
    await filter.fill('inventory SKU-1042');
    await eventually(() => textOf(root().getByTestId('issue-summary')), '1 issue · 1 event');
    await filter.fill('inventory payments');
    await eventually(() => textOf(root().getByTestId('issue-summary')), '0 of 1 issue · 1 event');
    expect(await textOf(root().getByTestId('issue-list'))).toBe('No issue matches “inventory payments”.');
    await filter.fill('');
    await eventually(() => attrOf(row.getByTestId('issue-count'), 'data-count'), '1');

    // So does the traces view: the earlier session's two traces, plus the pinned one (it is one of them).
    await root().getByTestId('tab-traces').click();
    await eventually(traceRows, [
      ['Load sales report', salesTraceId],
      ['Pageload', firstPageloadId],
    ]);
    await screenshot(page, 'sessions-9-earlier-traces');

    await chooseSession('all');
    expect(await textOf(root().getByTestId('session-select'))).toBe('All sessions');
    await eventually(traceNames, ['Pageload', 'Load sales report', 'Pageload']);
    await eventually(tabCounts, { errors: '1', traces: '3', logs: '1' });
    await screenshot(page, 'sessions-10-all-traces');

    await chooseSession('current');
    await eventually(traceNames, ['Pageload', 'Load sales report']);
  });

  it('drops an unpinned earlier trace from the current session', async () => {
    await root().getByTestId('tab-traces').click();
    await traceRow(salesTraceId).getByTestId('pin-trace').click();
    await eventually(traceNames, ['Pageload']);
    await eventually(tabCounts, { errors: undefined, traces: '1', logs: undefined });
    await screenshot(page, 'sessions-11-unpinned');
  });

  it("opens a link to the earlier session's error (the sidecar's page, as error pages link) and says it is outside the session", async () => {
    const linked = await browser.newPage();
    try {
      await linked.goto(`${sidecar.url}/#/errors/events/${inventoryEventId}`);
      const full = overlay(linked);
      await eventually(() => textOf(full.getByTestId('detail-title')), 'InventoryError');
      expect(await attrOf(full.getByTestId('event-detail'), 'data-event-id')).toBe(inventoryEventId);
      // Without a page SDK the newest activity (the reload) is the current session: the error is not in it.
      await eventually(
        () => textOf(full.getByTestId('issue-outside-session')),
        'Not in the selected session, so the issue list hides it. Show all sessions',
      );
      await screenshot(linked, 'sessions-12-link-outside-session');
      await full.getByTestId('issue-show-all-sessions').click();
      await eventually(() => full.getByTestId('issue-outside-session').count(), 0);
      await full.getByTestId('back-to-issues').click();
      await eventually(() => textOf(full.getByTestId('session-select')), 'All sessions');
      await issueRow(linked, 'InventoryError', 'Inventory service unavailable for SKU-1042').waitFor({ timeout: SHOW_TIMEOUT_MS });
    } finally {
      await linked.close();
    }
  });

  it("after another reload, the trigger's badge counts only the new session's errors", async () => {
    await page.reload();
    await pageReady();
    // The replay brings back the earlier session's InventoryError; the badge leaves it out, as the overlay hides it.
    await page.getByRole('button', { name: 'Throw in the browser' }).click();
    await eventually(status, 'Threw CheckoutError in the browser');
    await eventually(() => attrOf(root().getByTestId('spotlight-badge'), 'data-count'), '1');
    expect(await attrOf(root().getByTestId('spotlight-trigger'), 'aria-label')).toBe('Open Spotlight: 1 new error');
    await openOverlay(page);
    await issueRow(page, 'CheckoutError', 'Cart total is NaN after applying coupon SPRING').waitFor({ timeout: SHOW_TIMEOUT_MS });
    await eventually(tabCounts, { errors: '1', traces: '1', logs: undefined });
    await screenshot(page, 'sessions-13-badge-after-reload');
  });
});
