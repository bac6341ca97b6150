import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { attrOf, eventually, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { type Sidecar, startSidecar } from './helpers/processes.ts';

// Real SDK output (fixtures/capture/insights/run.mjs): a request that loads 8 orders, then each order's
// customer (an N+1 over SQLite through knex), a request that burns CPU in `computeInvoiceTotals`, and the
// continuous profile (profile_chunk) of both.
const FIXTURES = [
  'insights-orders-span',
  'insights-invoice-span',
  'insights-profile_chunk',
  'insights-profile_chunk-2',
  'insights-profile_chunk-3',
].map((name) => readFileSync(`${REPO_ROOT}/fixtures/sentry-node-11.1/${name}.envelope`));
const STATEMENT = 'select * from `customers` where `id` = ? limit ?';

/** The trace and segment span id of a span-v2 envelope's segment. */
function segmentOf(envelope: Buffer): { traceId: string; spanId: string } {
  const container = JSON.parse(envelope.toString('utf8').split('\n')[2] ?? '{}') as {
    items: { trace_id: string; span_id: string; is_segment: boolean }[];
  };
  const segment = container.items.find((item) => item.is_segment);
  if (segment === undefined) throw new Error('no segment');
  return { traceId: segment.trace_id, spanId: segment.span_id };
}

let sidecar: Sidecar;
let browser: Browser;

beforeAll(async () => {
  sidecar = await startSidecar();
  for (const body of FIXTURES) {
    const response = await fetch(`${sidecar.url}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope' },
      body,
    });
    expect(response.status).toBe(200);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

async function open(hashRoute: string): Promise<{ tab: Page; log: () => string }> {
  const tab = await browser.newPage();
  const log = recordConsole(tab);
  await tab.goto(`${sidecar.url}/#${hashRoute}`);
  return { tab, log };
}

describe('insights in Chromium', () => {
  it('flags the N+1 loop in the queries view and on its trace, with the exact count and statement', async () => {
    const { tab, log } = await open('/insights/queries');
    const ui = overlay(tab);
    try {
      const summary = ui.getByTestId('n-plus-one-summary');
      await summary.waitFor({ timeout: SHOW_TIMEOUT_MS });
      const customers = ui
        .getByTestId('query-row')
        .filter({ has: tab.getByTestId('query-statement').getByText(STATEMENT, { exact: true }) });
      expect(await textOf(customers.getByTestId('query-count'))).toBe('8');
      expect(await attrOf(customers.getByTestId('query-n-plus-one'), 'data-count')).toBe('8');
      await screenshot(tab, 'insights-queries');

      await summary.getByTestId('n-plus-one-link').first().click();
      await ui.getByTestId('trace-detail').waitFor();
      const flag = ui.getByTestId('trace-n-plus-one');
      expect(await attrOf(flag, 'data-count')).toBe('8');
      expect(await attrOf(flag, 'data-kind')).toBe('n-plus-one');
      expect(await textOf(flag.getByTestId('trace-n-plus-one-statement'))).toBe(STATEMENT);
      // Every span of the loop is marked in the waterfall (8 rows), and the selected one says why.
      await eventually(() => ui.getByTestId('span-n-plus-one').count(), 8);
      await ui.getByTestId('span-repeat').waitFor();
      expect(await textOf(ui.getByTestId('span-repeat'))).toContain('This statement ran 8 times under one span');
      await screenshot(tab, 'insights-trace-n-plus-one');
    } catch (error) {
      throw new Error(`${String(error)}\n${log()}`);
    } finally {
      await tab.close();
    }
  });

  it("opens a request's flame graph from its trace, with the hot function on top", async () => {
    const invoice = segmentOf(FIXTURES[1] as Buffer);
    const { tab, log } = await open(`/traces/${invoice.traceId}/${invoice.spanId}`);
    const ui = overlay(tab);
    try {
      await ui.getByTestId('span-open-profile').click();
      await ui.getByTestId('flame-graph').waitFor();
      const hot = ui.locator('[data-testid="flame-node"][data-name="computeInvoiceTotals"]');
      await hot.first().waitFor({ state: 'visible' });
      // The hot function is wide: more than half of the request's samples.
      const graph = await ui.getByTestId('flame-graph').boundingBox();
      const box = await hot.first().boundingBox();
      expect((box?.width ?? 0) / (graph?.width ?? 1)).toBeGreaterThan(0.5);
      expect(await attrOf(ui.getByTestId('function-row'), 'data-name')).toBe('computeInvoiceTotals');
      await screenshot(tab, 'insights-flame-graph');
    } catch (error) {
      throw new Error(`${String(error)}\n${log()}`);
    } finally {
      await tab.close();
    }
  });
});
