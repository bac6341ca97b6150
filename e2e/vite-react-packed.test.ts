import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, OVERLAY_HOST_ID, overlay, recordConsole, screenshot } from './helpers/browser.ts';
import { issueRow, openOverlay, SHOW_TIMEOUT_MS, textOf } from './helpers/overlay.ts';
import { createTempApp, registryPackages, type TempApp, userEnv } from './helpers/pack.ts';
import { type RunningProcess, spawnUntil } from './helpers/processes.ts';
import { readmeRecipe } from './helpers/readme.ts';

// The headline case, as a new user meets it: a fresh Vite + React + @sentry/react app outside the repository,
// sentry-spotlight installed from its packed tarball and everything else from the registry, and nothing but the
// README's lines for Spotlight (the plugin in vite.config.js) and Sentry (its usual Sentry.init, no DSN). The
// plugin starts the sidecar the package ships.

// src/Cart.tsx: the component throws on line 10; the interface above it is gone once compiled.
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

const RENDER = `import { createRoot } from 'react-dom/client';
import { Cart } from './Cart.tsx';

createRoot(document.getElementById('root')).render(<Cart coupon="SPRING" />);
`;

let app: TempApp;
let browser: Browser;
let port: number;
let cache: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

beforeAll(async () => {
  app = await createTempApp({
    packages: registryPackages(['vite', 'react', 'react-dom', '@sentry/react']),
    files: {
      'index.html':
        '<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1><div id="root"></div><script type="module" src="/src/main.jsx"></script></body></html>',
      'vite.config.js': readmeRecipe('vite.config.js'),
      'src/main.jsx': `${readmeRecipe('src/main.jsx')}\n${RENDER}`,
      'src/Cart.tsx': CART_TSX,
    },
  });
  browser = await launchBrowser();
  // The sidecar the plugin starts: on a free port (never 8969), its state file in a folder of this run.
  port = await freePort();
  cache = mkdtempSync(join(tmpdir(), 'spotlight-e2e-packed-cache-'));
});

afterAll(async () => {
  await browser?.close();
  // The sidecar the plugin started outlives Vite by design (other services may use it): stop it.
  try {
    const state = JSON.parse(readFileSync(join(cache, 'spotlight', 'sidecar.json'), 'utf8')) as { pid?: number };
    if (state.pid) process.kill(state.pid);
  } catch {
    // Not running.
  }
  app?.remove();
  if (cache) rmSync(cache, { recursive: true, force: true });
});

function viteBin(): string {
  return join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js');
}

function env(): Record<string, string> {
  return userEnv({ SPOTLIGHT_PORT: String(port), XDG_CACHE_HOME: cache });
}

describe('a fresh Vite + React + @sentry/react app with sentry-spotlight from its tarball, set up with the README only', () => {
  it("vite dev: a component's error shows in the overlay at its original line of the .tsx file, with that line's text, react-dom folded", async () => {
    const vite: RunningProcess = await spawnUntil(process.execPath, [viteBin()], {
      cwd: app.dir,
      env: env(),
      ready: /Local:\s+(http:\/\/\S+)/,
    });
    try {
      const page = await browser.newPage();
      const log = recordConsole(page);
      await page.goto(vite.match[1] ?? '');
      await overlay(page)
        .getByTestId('spotlight-trigger')
        .waitFor({ state: 'visible', timeout: 30_000 })
        .catch((error) => {
          throw new Error(`${error}\nPage console:\n${log()}\nVite:\n${vite.output()}`);
        });
      await openOverlay(page);
      const row = issueRow(page, 'Error', 'Cart total is NaN after applying coupon SPRING');
      await row.waitFor({ timeout: SHOW_TIMEOUT_MS }).catch((error) => {
        throw new Error(`${error}\nPage console:\n${log()}\nVite:\n${vite.output()}`);
      });
      await row.click();
      const top = overlay(page).locator('[data-testid="frame"][data-in-app="true"]').first();
      await top.waitFor({ timeout: SHOW_TIMEOUT_MS });
      expect(await textOf(top.getByTestId('frame-path'))).toContain('src/Cart.tsx');
      expect(await top.textContent()).toContain(`at line ${THROW_LINE}:`);
      expect(await textOf(top.locator('[data-current]'))).toBe(`${THROW_LINE}${CART_TSX.split('\n')[THROW_LINE - 1]}`);
      const library = overlay(page).getByTestId('library-frames-toggle');
      expect(await library.count()).toBeGreaterThan(0);
      expect(await library.first().textContent()).toMatch(/\d+ library frames?.*react-dom/);
      // Every frame of react-dom's is a library frame; the app's is the only app frame.
      expect(await overlay(page).locator('[data-testid="frame"][data-in-app="true"]').count()).toBe(1);
      await screenshot(page, 'packed-vite-react-error-original-line');
      await page.close();
    } finally {
      await vite.stop();
    }
  });

  it('vite build: the production build makes no request to the sidecar, mounts nothing, and holds none of Spotlight', async () => {
    await app.npx(['vite', 'build'], { env: env() });
    const preview = await spawnUntil(process.execPath, [viteBin(), 'preview', '--host', '127.0.0.1', '--port', '0'], {
      cwd: app.dir,
      env: env(),
      ready: /Local:\s+(http:\/\/\S+)/,
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(preview.match[1] ?? '');
      await page.getByRole('heading', { name: 'Shop' }).waitFor();
      await page.waitForTimeout(1500);
      const previewOrigin = new URL(preview.match[1] ?? '').origin;
      expect(requests.filter((url) => !url.startsWith(previewOrigin))).toEqual([]);
      expect(await page.locator(`#${OVERLAY_HOST_ID}`).count()).toBe(0);
      const assets = join(app.dir, 'dist', 'assets');
      const built = readdirSync(assets)
        .filter((name) => name.endsWith('.js'))
        .map((name) => readFileSync(join(assets, name), 'utf8'))
        .join('\n');
      expect(built).toContain('Cart total is NaN');
      for (const marker of [OVERLAY_HOST_ID, 'sentry-spotlight.', '/assets/hook.js', `localhost:${port}`, 'localhost:8969']) {
        expect(built, marker).not.toContain(marker);
      }
      await page.close();
    } finally {
      await preview.stop();
    }
  });
});
