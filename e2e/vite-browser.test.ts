import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, OVERLAY_HOST_ID, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { eventually, issueRow, openOverlay, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { type Sidecar, startSidecar } from './helpers/processes.ts';
import { readmeRecipe } from './helpers/readme.ts';
import { errorMessage, openSidecarStream } from './helpers/sidecarStream.ts';
import { createViteApp, type ViteApp } from './helpers/viteApp.ts';

// Vite apps of their own, outside the repository, set up with the README's lines: the Vite plugin alone
// (the page's Sentry.init untouched, no DSN), or Spotlight.init() in the page; their production builds;
// the sidecar the plugin started coming back after it exited on idle; a burst of errors.
let sidecar: Sidecar;
let browser: Browser;
const apps: ViteApp[] = [];

beforeAll(async () => {
  sidecar = await startSidecar();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  for (const app of apps) app.remove();
});

const INDEX_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>';

// The component throws on line 10 of src/Cart.tsx; TypeScript's interface above it is gone once compiled,
// so the browser reports another line, and only the sidecar's symbolication brings this one back.
const CART_TSX = `import { useState } from 'react';

interface CartProps {
  readonly coupon: string;
}

export function Cart({ coupon }: CartProps) {
  const [total] = useState(Number.NaN);
  if (Number.isNaN(total)) {
    throw new Error(\`Cart total is NaN after applying coupon \${coupon}\`);
  }
  return <p>{total}</p>;
}
`;
const THROW_LINE = 10;
const THROW_TEXT = CART_TSX.split('\n')[THROW_LINE - 1] as string;

const RENDER = `
import { createRoot } from 'react-dom/client';
import { Cart } from './Cart.tsx';

Sentry.startSpan({ name: 'load cart' }, () => {});
createRoot(document.getElementById('root') as HTMLElement).render(<Cart coupon="SPRING" />);
`;

/** A Vite + React app whose page sets Sentry up with the README's `src/main.jsx` lines, and nothing of Spotlight. */
function reactApp(): ViteApp {
  // The workspace has @sentry/browser, what @sentry/react is built on; the test from the packed package uses @sentry/react.
  const main = readmeRecipe('src/main.jsx').replace("'@sentry/react'", "'@sentry/browser'");
  const app = createViteApp(['react', 'react-dom', 'scheduler', '@sentry/browser', 'sentry-spotlight'], {
    'index.html': INDEX_HTML,
    'vite.config.js': readmeRecipe('vite.config.js'),
    'src/Cart.tsx': CART_TSX,
    'src/main.tsx': `${main}${RENDER}`,
  });
  apps.push(app);
  return app;
}

/**
 * Nothing of Spotlight's in a production bundle: not the overlay (its shadow host), not the bridge (its
 * global registries), not the Vite plugin's hook, not the sidecar's address. (Sentry's own SDK mentions
 * "spotlight", for its `spotlight` option: those words are not Spotlight's code.)
 */
function expectNoSpotlightCode(built: string): void {
  for (const marker of [OVERLAY_HOST_ID, 'sentry-spotlight.', '/assets/hook.js', '__spotlight', sidecar.url, 'localhost:8969']) {
    expect(built, marker).not.toContain(marker);
  }
}

function requestsTo(page: Page, origin: string): Request[] {
  const seen: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(origin)) seen.push(request);
  });
  return seen;
}

describe('the Vite plugin with the page’s own Sentry.init (no DSN)', () => {
  let app: ViteApp;
  beforeAll(() => {
    app = reactApp();
  });

  it("shows a component's render error at its original line with that line's source, react-dom's frames folded", async () => {
    const stream = await openSidecarStream(sidecar.url);
    const vite = await app.dev({ SENTRY_SPOTLIGHT: `${sidecar.url}/stream` });
    try {
      const page = await browser.newPage();
      const log = recordConsole(page);
      await page.goto(vite.url);
      await stream
        .until(
          () => stream.items('event').some((e) => errorMessage(e) === 'Cart total is NaN after applying coupon SPRING'),
          'the render error',
        )
        .catch((error) => {
          throw new Error(`${error}\nPage console:\n${log()}\nVite:\n${vite.process.output()}`);
        });
      // Traces too: the span the page started.
      await stream.until(() => stream.items('span').length + stream.items('transaction').length > 0, 'the page’s span');

      await overlay(page).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
      await openOverlay(page);
      const row = issueRow(page, 'Error', 'Cart total is NaN after applying coupon SPRING');
      await row.waitFor({ timeout: SHOW_TIMEOUT_MS });
      await row.click();
      const top = overlay(page).locator('[data-testid="frame"][data-in-app="true"]').first();
      await top.waitFor({ timeout: SHOW_TIMEOUT_MS });
      expect(await textOf(top.getByTestId('frame-path'))).toContain('src/Cart.tsx');
      expect(await top.textContent()).toContain(`at line ${THROW_LINE}:`);
      // The source row: its line number, then its text.
      expect(await textOf(top.locator('[data-current]'))).toBe(`${THROW_LINE}${THROW_TEXT}`);
      // react-dom's frames (Vite's node_modules/.vite/deps/react-dom_client.js) fold into library rows.
      const library = overlay(page).getByTestId('library-frames-toggle');
      expect(await library.count()).toBeGreaterThan(0);
      expect(await library.first().textContent()).toMatch(/\d+ library frames?.*react-dom/);
      await screenshot(page, 'vite-react-render-error-original-line');

      // Traces arrived too: the error's trace is the page's, with its span.
      await overlay(page).getByTestId('view-trace').click();
      await overlay(page).getByText('load cart').first().waitFor({ timeout: SHOW_TIMEOUT_MS });
      await screenshot(page, 'vite-react-trace-of-the-error');
      await page.close();
    } finally {
      stream.close();
      await vite.stop();
    }
  });

  it('a production build of the same app makes no request to the sidecar, mounts nothing and has no Spotlight code', async () => {
    const preview = await app.buildAndPreview({ SENTRY_SPOTLIGHT: `${sidecar.url}/stream` });
    try {
      const page = await browser.newPage();
      const toSidecar = requestsTo(page, sidecar.url);
      await page.goto(preview.url);
      await page.getByRole('heading', { name: 'Shop' }).waitFor();
      // The same render error happens, and Sentry captures it (no DSN: nowhere to send it).
      await page.waitForTimeout(1500);
      expect(toSidecar.map((r) => r.url())).toEqual([]);
      expect(await page.locator(`#${OVERLAY_HOST_ID}`).count()).toBe(0);
      const built = app.builtCode({ html: true });
      expect(built).toContain('Cart total is NaN');
      expectNoSpotlightCode(built);
      await page.close();
    } finally {
      await preview.stop();
    }
  });
});

/** A free loopback port, for a sidecar the plugin starts itself (never 8969, which another run may hold). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function isUp(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

describe('the sidecar the Vite plugin started', () => {
  it('comes back when the page is reloaded after it exited on idle, without restarting Vite', async () => {
    const app = reactApp();
    const port = await freePort();
    const cache = mkdtempSync(join(tmpdir(), 'spotlight-e2e-cache-'));
    const own = `http://localhost:${port}`;
    // A first visit has Vite pre-bundle React and Sentry (seconds, longer than the idle time below): done once beforehand.
    const warmUp = await app.dev({ SENTRY_SPOTLIGHT: `${sidecar.url}/stream` });
    const warmPage = await browser.newPage();
    await warmPage.goto(warmUp.url);
    await overlay(warmPage).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
    await warmPage.close();
    await warmUp.stop();
    // No SENTRY_SPOTLIGHT: the plugin finds no sidecar and starts one, which exits 2 s after its last viewer left.
    const vite = await app.dev({
      SENTRY_SPOTLIGHT: undefined,
      SPOTLIGHT_PORT: String(port),
      SPOTLIGHT_IDLE_EXIT: '2',
      XDG_CACHE_HOME: cache,
    });
    try {
      expect(await isUp(own)).toBe(true);
      const first = await browser.newPage();
      const firstLog = recordConsole(first);
      await first.goto(vite.url);
      await overlay(first)
        .getByTestId('spotlight-trigger')
        .waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS })
        .catch((error) => {
          throw new Error(`${error}\nPage console:\n${firstLog()}\nVite:\n${vite.process.output()}`);
        });
      await first.close();
      // Lunch: no page open, nothing sent.
      for (let i = 0; i < 100 && (await isUp(own)); i++) await new Promise((resolve) => setTimeout(resolve, 200));
      if (await isUp(own)) throw new Error(`still up: ${await (await fetch(`${own}/health`)).text()}\nVite:\n${vite.process.output()}`);

      const second = await browser.newPage();
      const log = recordConsole(second);
      await second.goto(vite.url);
      expect(await isUp(own)).toBe(true);
      await overlay(second).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
      await openOverlay(second);
      await issueRow(second, 'Error', 'Cart total is NaN after applying coupon SPRING')
        .waitFor({ timeout: SHOW_TIMEOUT_MS })
        .catch((error) => {
          throw new Error(`${error}\nPage console:\n${log()}\nVite:\n${vite.process.output()}`);
        });
      await screenshot(second, 'vite-sidecar-back-after-idle-exit');
      await second.close();
    } finally {
      await vite.stop();
      // Its last viewer gone, the sidecar exits by itself within 6 s.
      for (let i = 0; i < 50 && (await isUp(own)); i++) await new Promise((resolve) => setTimeout(resolve, 200));
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

// src/checkout.ts throws on line 7 (the types above it vanish when compiled).
const CHECKOUT_TS = `type Coupon = {
  readonly code: string;
};

export function applyCoupon(coupon: Coupon): number {
  const rate = coupon.code === 'SPRING' ? Number.NaN : 0.1;
  if (Number.isNaN(rate)) throw new TypeError(\`Coupon \${coupon.code} has no rate\`);
  return rate;
}
`;

/** A page with no Vite plugin that calls Spotlight.init() (the README's `src/main.js` lines), in either order. */
function spotlightInitApp(order: 'recipe' | 'sentry first'): ViteApp {
  const recipe = readmeRecipe('src/main.js');
  const main =
    order === 'recipe'
      ? recipe
      : recipe.replace(
          'Spotlight.init();\nSentry.init({ tracesSampleRate: 1 });',
          'Sentry.init({ tracesSampleRate: 1 });\nSpotlight.init();',
        );
  if (order !== 'recipe' && main === recipe) throw new Error("the README's src/main.js no longer reads as this test expects");
  const app = createViteApp(['@sentry/browser', 'sentry-spotlight'], {
    // The sidecar's address, as a server framework seeds it (the recipe's Spotlight.init() takes the default otherwise).
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title><script>window.__spotlight = { initOptions: { sidecarUrl: ${JSON.stringify(sidecar.url)} } };</script></head><body><h1>Shop</h1><button>Checkout</button><script type="module" src="/src/main.ts"></script></body></html>`,
    'src/checkout.ts': CHECKOUT_TS,
    'src/main.ts': `${main}\nimport { applyCoupon } from './checkout.ts';\n\ndocument.querySelector('button')?.addEventListener('click', () => applyCoupon({ code: 'SPRING' }));\n`,
  });
  apps.push(app);
  return app;
}

describe('a page that calls Spotlight.init() itself (no Vite plugin)', () => {
  for (const order of ['recipe', 'sentry first'] as const) {
    it(`${order === 'recipe' ? 'Spotlight.init() then Sentry.init() (the README)' : 'Sentry.init() then Spotlight.init()'}: an uncaught error shows at its original line`, async () => {
      const app = spotlightInitApp(order);
      const vite = await app.dev();
      try {
        const page = await browser.newPage();
        const log = recordConsole(page);
        await page.goto(vite.url);
        await overlay(page).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
        await page.getByRole('button', { name: 'Checkout' }).click();
        await openOverlay(page);
        const row = issueRow(page, 'TypeError', 'Coupon SPRING has no rate');
        await row.waitFor({ timeout: SHOW_TIMEOUT_MS }).catch((error) => {
          throw new Error(`${error}\nPage console:\n${log()}`);
        });
        await row.click();
        const top = overlay(page).locator('[data-testid="frame"][data-in-app="true"]').first();
        await top.waitFor({ timeout: SHOW_TIMEOUT_MS });
        expect(await textOf(top.getByTestId('frame-path'))).toContain('src/checkout.ts');
        expect(await top.textContent()).toContain('at line 7:');
        await eventually(() => textOf(top.locator('[data-current]')), `7${CHECKOUT_TS.split('\n')[6]}`);
        if (order === 'recipe') {
          await screenshot(page, 'spotlight-init-page-original-line');
          // Tracing on, but the page started no span: "View trace" tells that none arrived (not that it was let go).
          await overlay(page).getByTestId('view-trace').click();
          await overlay(page).getByTestId('trace-never-arrived').waitFor({ timeout: SHOW_TIMEOUT_MS });
          await screenshot(page, 'spotlight-init-page-trace-never-arrived');
        }
        await page.close();
      } finally {
        await vite.stop();
      }
    });
  }

  it('its production build resolves sentry-spotlight to the inert module: no request, nothing mounted', async () => {
    const app = spotlightInitApp('recipe');
    const preview = await app.buildAndPreview();
    try {
      const page = await browser.newPage();
      const toSidecar = requestsTo(page, sidecar.url);
      await page.goto(preview.url);
      await page.getByRole('button', { name: 'Checkout' }).click();
      await page.waitForTimeout(1500);
      expect(toSidecar.map((r) => r.url())).toEqual([]);
      expect(await page.locator(`#${OVERLAY_HOST_ID}`).count()).toBe(0);
      // No overlay, no bridge: none of their code is in the bundle.
      const built = app.builtCode();
      expect(built).toContain('has no rate');
      expectNoSpotlightCode(built);
      await page.close();
    } finally {
      await preview.stop();
    }
  });
});

describe('a burst of 500 synchronous errors in the page', () => {
  for (const [sdk, withDsn] of [
    ['@sentry/browser', false],
    ['@sentry/browser', true],
    ['@sentry/browser-v10', false],
  ] as const) {
    it(`reaches the sidecar whole: ${sdk}, ${withDsn ? 'with' : 'without'} a DSN`, async () => {
      // A DSN that points nowhere reachable: Sentry's own transport fails, Spotlight's copy must not care.
      const dsn = withDsn ? `'http://public@127.0.0.1:9/1'` : 'undefined';
      const app = createViteApp([sdk, 'sentry-spotlight'], {
        'index.html': INDEX_HTML.replace('/src/main.tsx', '/src/main.ts').replace('<div id="root"></div>', '<button>Burst</button>'),
        'vite.config.js': readmeRecipe('vite.config.js'),
        'src/main.ts': `import * as Sentry from '${sdk}';

Sentry.init({ dsn: ${dsn}, tracesSampleRate: 1 });

document.querySelector('button')?.addEventListener('click', () => {
  for (let i = 0; i < 500; i++) Sentry.captureException(new Error(\`burst \${i}\`));
});
`,
      });
      apps.push(app);
      const stream = await openSidecarStream(sidecar.url);
      const vite = await app.dev({ SENTRY_SPOTLIGHT: `${sidecar.url}/stream` });
      try {
        const page = await browser.newPage();
        await page.goto(vite.url);
        await overlay(page).getByTestId('spotlight-trigger').waitFor({ state: 'visible', timeout: SHOW_TIMEOUT_MS });
        const before = stream.items('event').length;
        await page.getByRole('button', { name: 'Burst' }).click();
        const burst = () => stream.items('event').slice(before);
        await stream.until(() => burst().length >= 500, '500 burst errors', 40_000);
        await page.waitForTimeout(500);
        expect(burst()).toHaveLength(500);
        expect(new Set(burst().map(errorMessage)).size).toBe(500);
        await page.close();
      } finally {
        stream.close();
        await vite.stop();
      }
    });
  }
});
