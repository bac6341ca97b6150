import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS_DIR, CHROMIUM_PATH } from './paths.ts';

export interface Browser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

// A fresh profile per run: no cache, service worker or storage from an earlier run can make a test pass.
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'spotlight-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    newPage: async () => {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saved to e2e/artifacts/ (kept by CI) so a reviewer can see each screen the tests looked at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: false });
}

/** The overlay's shadow host; Playwright's CSS and role locators pierce its open shadow root. */
export const OVERLAY_HOST_ID = 'sentry-spotlight-root';

export function overlay(page: Page): Locator {
  return page.locator(`#${OVERLAY_HOST_ID}`);
}

/** Collects page errors and console errors so a failing test can say what the page saw. */
export function recordConsole(page: Page): () => string {
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`[console.${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[pageerror] ${error.message}`));
  return () => lines.join('\n');
}
