import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, OVERLAY_HOST_ID, overlay, screenshot } from './helpers/browser.ts';
import { attrOf, eventually, issueRow, openOverlay, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { type Sidecar, startSidecar } from './helpers/processes.ts';
import { serveHtml } from './helpers/static-server.ts';

// A real `@sentry/node` 11 error envelope (fixtures/), posted the way the SDK posts it.
const EVENT_ENVELOPE = readFileSync(`${REPO_ROOT}/fixtures/sentry-node-11.12/event.envelope`);

const HOST_BODY = `
  <header><h1>Acme dashboard</h1><nav><a href="/a">Orders</a> <a href="/b">Customers</a></nav></header>
  <main>
    <p class="lead">Welcome back. Here is what happened today.</p>
    <button type="button" id="refresh">Refresh</button>
    <input id="search" placeholder="Search">
    <ul><li>First</li><li>Second</li></ul>
  </main>`;

const HOST_CSS = `
  body { font-family: Georgia, serif; margin: 24px; color: #222; background: #fafafa; }
  h1 { font-size: 28px; letter-spacing: 0.02em; }
  .lead { line-height: 1.8; }
  button { padding: 6px 14px; border-radius: 4px; }`;

// A host page that styles everything, hard: inherited properties reach a shadow tree through its host unless
// the overlay resets them, and `rem` follows the host's root font size.
const AGGRESSIVE_CSS = `
  * { color: #f0f !important; font-family: "Comic Sans MS", cursive !important; font-size: 31px !important;
      line-height: 3 !important; letter-spacing: 4px !important; text-transform: uppercase !important;
      margin: 7px !important; padding: 9px !important; box-sizing: content-box !important;
      border: 3px dashed lime !important; background: yellow !important; word-spacing: 12px !important;
      text-align: right !important; font-weight: 900 !important; font-style: italic !important;
      visibility: visible !important; cursor: crosshair !important; }`;

let sidecar: Sidecar;
let browser: Browser;
let pages: Awaited<ReturnType<typeof serveHtml>>;

function page(head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>${head}</head><body>${body}</body></html>`;
}

beforeAll(async () => {
  sidecar = await startSidecar();
  const script = `<script type="module" src="${sidecar.url}/assets/main.js"></script>`;
  pages = await serveHtml({
    '/plain': page(`<style>${HOST_CSS}</style>`, HOST_BODY),
    '/with-overlay': page(`<style>${HOST_CSS}</style>${script}`, HOST_BODY),
    '/neutral-overlay': page(script, '<p>Neutral host</p>'),
    '/aggressive-overlay': page(`<style>${AGGRESSIVE_CSS}</style>${script}`, '<p>Aggressive host</p>'),
  });
  browser = await launchBrowser();
  const response = await fetch(`${sidecar.url}/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope' },
    body: EVENT_ENVELOPE,
  });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await sidecar?.stop();
});

async function open(path: string): Promise<Page> {
  const tab = await browser.newPage();
  await tab.goto(path);
  return tab;
}

describe('the sidecar serves the overlay', () => {
  it("shows the debugger full-page at the sidecar's /", async () => {
    const tab = await open(`${sidecar.url}/`);
    await eventually(() => attrOf(overlay(tab), 'data-full-page'), '');
    await eventually(() => textOf(overlay(tab).getByTestId('connection-status')), 'Live');
    await issueRow(tab, 'Error', 'probe error (url)').waitFor({ timeout: SHOW_TIMEOUT_MS });
    expect(await overlay(tab).getByTestId('spotlight-trigger').count()).toBe(0);
    await screenshot(tab, 'sidecar-full-page');
    await tab.close();
  });

  it('gives a page that only includes /assets/main.js the overlay', async () => {
    const tab = await open(`${pages.url}/with-overlay`);
    await overlay(tab).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
    await openOverlay(tab);
    await issueRow(tab, 'Error', 'probe error (url)').waitFor({ timeout: SHOW_TIMEOUT_MS });
    await screenshot(tab, 'main-js-only-page');
    await tab.close();
  });
});

const HOST_PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'letter-spacing',
  'margin-top',
  'margin-left',
  'padding-top',
  'padding-left',
  'width',
  'height',
  'display',
  'position',
  'box-sizing',
  'border-top-width',
  'border-top-style',
  'border-radius',
  'text-transform',
];

/** Computed styles of every element of the host page outside the overlay. */
async function hostStyles(tab: Page): Promise<Record<string, Record<string, string>>> {
  return tab.evaluate(
    ({ properties, hostId }) => {
      const result: Record<string, Record<string, string>> = {};
      const elements = [document.documentElement, ...Array.from(document.querySelectorAll('body, body *'))].filter(
        (element) => element.id !== hostId && element.tagName !== 'SCRIPT',
      );
      elements.forEach((element, index) => {
        const style = getComputedStyle(element);
        result[`${index}:${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}`] = Object.fromEntries(
          properties.map((property) => [property, style.getPropertyValue(property)]),
        );
      });
      return result;
    },
    { properties: HOST_PROPERTIES, hostId: OVERLAY_HOST_ID },
  );
}

const OVERLAY_PROPERTIES = [...HOST_PROPERTIES, 'font-style', 'word-spacing', 'text-align', 'border-top-color', 'cursor'];

/** Computed styles of the overlay's own elements, found by test id inside its shadow root. */
async function overlayStyles(tab: Page, testIds: string[]): Promise<Record<string, Record<string, string>>> {
  return tab.evaluate(
    ({ properties, hostId, ids }) => {
      const root = document.getElementById(hostId)?.shadowRoot;
      const result: Record<string, Record<string, string>> = {};
      for (const id of ids) {
        const element = root?.querySelector(`[data-testid="${id}"]`);
        if (!element) {
          result[id] = { missing: 'true' };
          continue;
        }
        const style = getComputedStyle(element);
        result[id] = Object.fromEntries(properties.map((property) => [property, style.getPropertyValue(property)]));
      }
      return result;
    },
    { properties: OVERLAY_PROPERTIES, hostId: OVERLAY_HOST_ID, ids: testIds },
  );
}

describe('style isolation, by computed styles', () => {
  it("leaves the host page's styles exactly as they are without the overlay", async () => {
    const plain = await open(`${pages.url}/plain`);
    const withOverlay = await open(`${pages.url}/with-overlay`);
    await overlay(withOverlay).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
    const before = await hostStyles(plain);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    expect(await hostStyles(withOverlay)).toEqual(before);
    // Opening the overlay changes nothing on the host either.
    await openOverlay(withOverlay);
    expect(await hostStyles(withOverlay)).toEqual(before);
    await plain.close();
    await withOverlay.close();
  });

  it('keeps the overlay exactly as it is when the host page styles * aggressively', async () => {
    const neutral = await open(`${pages.url}/neutral-overlay`);
    const aggressive = await open(`${pages.url}/aggressive-overlay`);
    const closedIds = ['spotlight-trigger', 'spotlight-badge'];
    const openIds = ['spotlight-overlay', 'tab-errors', 'connection-status', 'issue-row', 'issue-title', 'issue-subtitle', 'issue-count'];
    for (const tab of [neutral, aggressive]) {
      await overlay(tab).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
      await eventually(() => attrOf(overlay(tab).getByTestId('spotlight-badge'), 'data-count'), '1');
    }
    // The host's rule does apply to the host (and would reach an unprotected overlay through inheritance and rem).
    const hostFontSize = (tab: Page) => tab.evaluate(() => getComputedStyle(document.querySelector('p') as Element).fontSize);
    expect([await hostFontSize(neutral), await hostFontSize(aggressive)]).toEqual(['16px', '31px']);
    expect(await overlayStyles(aggressive, closedIds)).toEqual(await overlayStyles(neutral, closedIds));
    for (const tab of [neutral, aggressive]) {
      await openOverlay(tab);
      await issueRow(tab, 'Error', 'probe error (url)').waitFor({ timeout: SHOW_TIMEOUT_MS });
    }
    const expected = await overlayStyles(neutral, openIds);
    expect(Object.values(expected).some((style) => style.missing)).toBe(false);
    expect(await overlayStyles(aggressive, openIds)).toEqual(expected);
    await screenshot(aggressive, 'overlay-on-aggressive-host');
    await neutral.close();
    await aggressive.close();
  });
});
