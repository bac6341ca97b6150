import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, createServer, type Plugin, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvelopeRecorder, startEnvelopeRecorder } from '../express/test/envelope-recorder.ts';
import { CLIENT_MODULE_URL, HOOK_PATH } from './client-module.ts';
import { spotlight } from './plugin.ts';

let recorder: EnvelopeRecorder;
let appDir: string;

beforeAll(async () => {
  recorder = await startEnvelopeRecorder();
  appDir = mkdtempSync(join(tmpdir(), 'spotlight-vite-app-'));
  await mkdir(join(appDir, 'src'));
  writeFileSync(
    join(appDir, 'index.html'),
    '<!doctype html><html><head><title>App</title></head><body><script type="module" src="/src/main.ts"></script></body></html>',
  );
  writeFileSync(join(appDir, 'src/main.ts'), "import { total } from './cart.ts';\ndocument.title = 'Cart: ' + total([1, 2]);\n");
  writeFileSync(
    join(appDir, 'src/cart.ts'),
    'export function total(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n',
  );
  writeFileSync(join(appDir, 'src/broken.ts'), 'export const ok = 1;\nexport function broken( {\n  return 2;\n}\n');
});

afterAll(async () => {
  await recorder.close();
  rmSync(appDir, { recursive: true, force: true });
});

const testSidecar = () => spotlight({ resolveSidecar: async () => ({ url: recorder.url, source: 'test' }) });

function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'base64');
    }
  };
  walk(dir);
  return files;
}

describe('vite build', () => {
  it('produces byte-identical output with and without the plugin', async () => {
    const outputs: Record<string, string>[] = [];
    for (const plugins of [[], [testSidecar()]]) {
      const outDir = join(appDir, `dist-${plugins.length}`);
      await build({ root: appDir, configFile: false, logLevel: 'silent', plugins, build: { outDir, emptyOutDir: true } });
      outputs.push(filesOf(outDir));
    }
    const [without, withPlugin] = outputs;
    expect(Object.keys(without ?? {}).length).toBeGreaterThan(1);
    expect(withPlugin).toEqual(without);
    expect(JSON.stringify(withPlugin)).not.toContain(Buffer.from('spotlight').toString('base64').slice(0, 8));
  });
});

describe('vite dev', () => {
  let server: ViteDevServer;
  let base: string;
  const sentToBrowser: unknown[] = [];

  beforeAll(async () => {
    // Placed before spotlight(): records what reaches the browser after the plugin's own handling.
    const recordBrowser: Plugin = {
      name: 'record-browser',
      configureServer(dev) {
        const hot = dev.environments.client.hot;
        const send = hot.send.bind(hot) as (...args: unknown[]) => void;
        hot.send = ((...args: unknown[]) => {
          sentToBrowser.push(args[0]);
          send(...args);
        }) as typeof hot.send;
      },
    };
    server = await createServer({
      root: appDir,
      configFile: false,
      logLevel: 'silent',
      plugins: [recordBrowser, testSidecar()],
      server: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    await server.listen();
    base = `http://127.0.0.1:${(server.httpServer?.address() as AddressInfo | undefined)?.port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  it("adds the overlay to the page and turns Vite's error overlay off", async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain(`<script type="module" src="${CLIENT_MODULE_URL}"></script>`);
    // The hook the sidecar serves connects the page's Sentry SDK: after the options are seeded, before the app.
    const hook = `<script type="module" src="${recorder.url}${HOOK_PATH}"></script>`;
    expect(html).toContain(hook);
    expect(html.indexOf(CLIENT_MODULE_URL)).toBeLessThan(html.indexOf(hook));
    expect(html.indexOf(hook)).toBeLessThan(html.indexOf('/src/main.ts'));
    const client = await (await fetch(`${base}${CLIENT_MODULE_URL}`)).text();
    expect(client).toContain(`const initOptions = {"sidecarUrl":"${recorder.url}"};`);
    expect(client).toContain("initOptions.sidecarUrl + '/assets/main.js'");
    expect(server.config.server.hmr).toEqual({ overlay: false });
  });

  it('reports a transform error once, as an event with file, line, column and source context, and tells the page', async () => {
    const before = recorder.envelopes.length;
    const response = await fetch(`${base}/src/broken.ts`);
    expect(response.status).toBe(500);
    const notice = await waitFor(() => sentToBrowser.find((payload) => (payload as { event?: string }).event === 'spotlight:error'));
    const { eventId } = (notice as { data: { eventId: string } }).data;
    const event = await recorder.nextEvent(eventId);
    expect(recorder.envelopes.length).toBe(before + 1);
    const file = join(appDir, 'src/broken.ts');
    const [exception] = (event.exception as { values: Array<Record<string, unknown>> }).values;
    expect([exception?.type, exception?.value]).toEqual(['SyntaxError', 'Expected `:` but found `decimal`']);
    const frames = (exception?.stacktrace as { frames: Array<Record<string, unknown>> } | undefined)?.frames ?? [];
    expect(frames.at(-1)).toMatchObject({
      filename: file,
      abs_path: file,
      lineno: 3,
      colno: 10,
      in_app: true,
      function: '[vite:oxc]',
      pre_context: ['export const ok = 1;', 'export function broken( {'],
      context_line: '  return 2;',
      post_context: ['}', ''],
    });
    expect(event.contexts).toMatchObject({ vite: { plugin: 'vite:oxc', file, line: 3, column: 9, root: appDir } });
    expect((event.contexts as { vite: { frame: string } }).vite.frame).toContain('╰── `:` expected');
    expect(event.tags).toEqual({ 'vite.plugin': 'vite:oxc', 'error.code': 'PARSE_ERROR', file });
    expect(event.sdk).toMatchObject({ name: 'spotlight.vite' });
    // The browser still gets Vite's own error payload (it logs it to the console).
    expect(sentToBrowser.some((payload) => (payload as { type?: string }).type === 'error')).toBe(true);
  });
});

describe('vite dev, when the sidecar it found exits', () => {
  it('finds (or starts) one again when the next page loads, and pages load the overlay from there', async () => {
    const found: string[] = [];
    let up = true;
    let next = 0;
    const server = await createServer({
      root: appDir,
      configFile: false,
      logLevel: 'silent',
      plugins: [
        spotlight({
          resolveSidecar: async () => {
            next += 1;
            const url = `http://127.0.0.1:${9000 + next}`;
            found.push(url);
            up = true;
            return { url, source: next === 1 ? 'default' : 'started' };
          },
          probeSidecar: async () => (up ? { kind: 'spotlight', pid: 1 } : { kind: 'down', reason: 'ECONNREFUSED' }),
        }),
      ],
      server: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    await server.listen();
    try {
      const base = `http://127.0.0.1:${(server.httpServer?.address() as AddressInfo | undefined)?.port}`;
      const page = async () => {
        const html = await (await fetch(`${base}/`)).text();
        const client = await (await fetch(`${base}${CLIENT_MODULE_URL}`)).text();
        return { html, client };
      };
      const first = await page();
      expect(first.html).toContain(`src="http://127.0.0.1:9001${HOOK_PATH}"`);
      expect(first.client).toContain('"sidecarUrl":"http://127.0.0.1:9001"');
      // Idle exit: the next page load (after the health answer cached for a moment) starts it again.
      up = false;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const second = await page();
      expect(found).toEqual(['http://127.0.0.1:9001', 'http://127.0.0.1:9002']);
      expect(second.html).toContain(`src="http://127.0.0.1:9002${HOOK_PATH}"`);
      expect(second.client).toContain('"sidecarUrl":"http://127.0.0.1:9002"');
      // Up again: pages load without looking any further.
      await page();
      expect(found).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

async function waitFor<T>(find: () => T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}
