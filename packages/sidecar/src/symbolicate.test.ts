import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformWithOxc } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { createSymbolicator, type Frame, type Source } from './symbolicate.ts';
import { needsSymbolication } from './symbolicateFrames.ts';

const ORIGIN = 'http://localhost:5173';

// The original file: the throw is on line 8; TypeScript's interface above it is gone once compiled.
const ORIGINAL = [
  "import { format } from './format.ts';",
  '',
  'interface Cart {',
  '  readonly items: readonly number[];',
  '}',
  '',
  'export function total(cart: Cart): string {',
  "  if (cart.items.length === 0) throw new Error('The cart is empty');",
  '  return format(cart.items.reduce((a, b) => a + b, 0));',
  '}',
  '',
].join('\n');

/** The module as Vite's dev server serves it: compiled, with its map inline and its source relative to it. */
async function viteModule(): Promise<{ code: string; line: number; column: number }> {
  const { code, map } = await transformWithOxc(ORIGINAL, '/app/src/cart.ts', { sourcemap: true });
  const inline = Buffer.from(JSON.stringify({ ...map, sources: ['cart.ts'] })).toString('base64');
  const lines = code.split('\n');
  const line = lines.findIndex((l) => l.includes('throw new Error')) + 1;
  const column = (lines[line - 1] ?? '').indexOf('new Error') + 1;
  return { code: `${code}\n//# sourceMappingURL=data:application/json;base64,${inline}\n`, line, column };
}

function fakeWeb(files: Record<string, string>) {
  const fetched: string[] = [];
  const sources = new Map<string, Source>();
  const fetchSource = async (url: string) => {
    fetched.push(url);
    const text = files[url];
    if (text === undefined) return undefined;
    // The same object while the file is unchanged, as the real cache hands it out.
    let source = sources.get(url);
    if (!source) {
      source = { url, text };
      sources.set(url, source);
    }
    return source;
  };
  return { fetched, fetchSource };
}

const noFiles = async () => undefined;
const traceMapping = () => import('@jridgewell/trace-mapping');

const dir = mkdtempSync(join(tmpdir(), 'spotlight-symbolicate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createSymbolicator', () => {
  it("maps a frame of a dev server's module to the original file, line and column, with the original lines around it", async () => {
    const { code, line, column } = await viteModule();
    const url = `${ORIGIN}/src/cart.ts?t=1700000000000`;
    const web = fakeWeb({ [url]: code });
    expect(line).toBeLessThan(8);
    const symbolicator = createSymbolicator({ fetchSource: web.fetchSource, readFile: noFiles, loadTraceMapping: traceMapping });
    const frame: Frame = { filename: url, abs_path: url, function: 'total', lineno: line, colno: column, in_app: true };
    const [mapped] = (await symbolicator.mapFrames([frame])) ?? [];
    expect(mapped).toEqual({
      filename: '/src/cart.ts',
      abs_path: `${ORIGIN}/src/cart.ts`,
      function: 'total',
      lineno: 8,
      colno: 38,
      in_app: true,
      pre_context: ['interface Cart {', '  readonly items: readonly number[];', '}', '', 'export function total(cart: Cart): string {'],
      context_line: "  if (cart.items.length === 0) throw new Error('The cart is empty');",
      post_context: ['  return format(cart.items.reduce((a, b) => a + b, 0));', '}', ''],
    });
  });

  it('marks frames under node_modules (Vite’s pre-bundled deps too) as library frames, mapped or not', async () => {
    const depsUrl = `${ORIGIN}/node_modules/.vite/deps/react-dom_client.js?v=0cb2d862`;
    const chunkUrl = `${ORIGIN}/node_modules/.vite/deps/chunk-A1.js?v=1`;
    const map = (source: string, content: string) => ({
      version: 3,
      sources: [source],
      sourcesContent: [content],
      names: [],
      mappings: 'AAAA;AACA',
    });
    // As Vite serves pre-bundled deps: an inline map megabytes long (here 30 kB of source text).
    const reactDom = map(
      '../../react-dom/cjs/react-dom-client.development.js',
      `function renderRootSync() {\n  workLoopSync();\n}\n${'//\n'.repeat(10_000)}`,
    );
    const inline = `data:application/json;base64,${Buffer.from(JSON.stringify(reactDom)).toString('base64')}`;
    const web = fakeWeb({
      [depsUrl]: `function renderRootSync() {\nworkLoopSync();\n}\n//# sourceMappingURL=${inline}\n`,
      // A bundle with its map in a file next to it.
      [chunkUrl]: 'function a() {\nb();\n}\n//# sourceMappingURL=chunk-A1.js.map',
      [`${ORIGIN}/node_modules/.vite/deps/chunk-A1.js.map`]: JSON.stringify(map('../../scheduler/index.js', 'x\n  performWork();\n')),
    });
    const symbolicator = createSymbolicator({ fetchSource: web.fetchSource, readFile: noFiles, loadTraceMapping: traceMapping });
    const unreachable = `${ORIGIN}/node_modules/.vite/deps/chunk-XYZ.js?v=1`;
    const mapped = await symbolicator.mapFrames([
      { abs_path: depsUrl, filename: depsUrl, function: 'workLoopSync', lineno: 2, colno: 1, in_app: true },
      { abs_path: chunkUrl, filename: chunkUrl, lineno: 2, colno: 1, in_app: true },
      { abs_path: unreachable, filename: unreachable, lineno: 5, colno: 3, in_app: true },
    ]);
    expect(mapped?.[0]).toMatchObject({
      filename: '/node_modules/react-dom/cjs/react-dom-client.development.js',
      lineno: 2,
      in_app: false,
      context_line: '  workLoopSync();',
    });
    expect(mapped?.[1]).toMatchObject({
      filename: '/node_modules/scheduler/index.js',
      lineno: 2,
      in_app: false,
      context_line: '  performWork();',
    });
    // The map next to the bundle was fetched by the URL its comment gives, relative to the bundle.
    expect(web.fetched).toContain(`${ORIGIN}/node_modules/.vite/deps/chunk-A1.js.map`);
    expect(mapped?.[2]).toEqual({ abs_path: unreachable, filename: unreachable, lineno: 5, colno: 3, in_app: false });
  });

  it('gives a frame of a file without a map the lines of the file as served', async () => {
    const url = `${ORIGIN}/legacy.js`;
    const web = fakeWeb({ [url]: 'var a = 1;\nfunction boom() {\n  throw new Error("boom");\n}\nboom();\n' });
    const symbolicator = createSymbolicator({ fetchSource: web.fetchSource, readFile: noFiles, loadTraceMapping: traceMapping });
    const [mapped] = (await symbolicator.mapFrames([{ abs_path: url, filename: url, lineno: 3, colno: 9, in_app: true }])) ?? [];
    expect(mapped).toMatchObject({
      lineno: 3,
      pre_context: ['var a = 1;', 'function boom() {'],
      context_line: '  throw new Error("boom");',
    });
  });

  it('reads a file-path frame without context from the file; leaves frames with context, and unreadable ones, as they are', async () => {
    const file = join(dir, 'server.mjs');
    writeFileSync(file, 'one\ntwo\nthree\nfour\n');
    const reads: string[] = [];
    const readFile = async (path: string) => {
      reads.push(path);
      return path === file ? { url: path, text: 'one\ntwo\nthree\nfour\n' } : undefined;
    };
    const symbolicator = createSymbolicator({ fetchSource: async () => undefined, readFile, loadTraceMapping: traceMapping });
    const withContext = { abs_path: file, lineno: 2, context_line: 'two', in_app: true };
    const mapped = await symbolicator.mapFrames([
      { abs_path: file, filename: file, lineno: 3, colno: 1, in_app: true },
      withContext,
      { abs_path: '/etc/passwd', lineno: 1 },
    ]);
    expect(mapped?.[0]).toMatchObject({ lineno: 3, pre_context: ['one', 'two'], context_line: 'three', post_context: ['four', ''] });
    expect(mapped?.[1]).toBe(withContext);
    expect(mapped?.[2]).toEqual({ abs_path: '/etc/passwd', lineno: 1 });
    expect(reads).toEqual([file, '/etc/passwd']);
    // Nothing to change: no new array.
    expect(await symbolicator.mapFrames([withContext])).toBeUndefined();
  });

  it('rewrites the stack traces of an event in place, keeping the frames as sent in raw_stacktrace', async () => {
    const { code, line, column } = await viteModule();
    const url = `${ORIGIN}/src/cart.ts`;
    const web = fakeWeb({ [url]: code });
    const symbolicator = createSymbolicator({ fetchSource: web.fetchSource, readFile: noFiles, loadTraceMapping: traceMapping });
    const frames = [{ abs_path: url, filename: url, lineno: line, colno: column, in_app: true }];
    const event: Record<string, unknown> = {
      exception: { values: [{ type: 'Error', value: 'The cart is empty', stacktrace: { frames } }] },
    };
    expect(needsSymbolication(event, ORIGIN)).toBe(true);
    expect(needsSymbolication(event, 'http://evil.test')).toBe(false);
    expect(await symbolicator.symbolicateEvent(event)).toBe(true);
    const [value] = (event.exception as { values: Record<string, unknown>[] }).values;
    expect(value?.raw_stacktrace).toEqual({ frames });
    expect((value?.stacktrace as { frames: Frame[] } | undefined)?.frames[0]).toMatchObject({ filename: '/src/cart.ts', lineno: 8 });
    // Done once: a symbolicated event is not done again.
    expect(needsSymbolication(event, ORIGIN)).toBe(false);
    expect(await symbolicator.symbolicateEvent(event)).toBe(false);
  });

  it('parses a map once for a burst of errors in the same file', async () => {
    const { code, line, column } = await viteModule();
    const url = `${ORIGIN}/src/cart.ts`;
    const web = fakeWeb({ [url]: code });
    let loads = 0;
    const symbolicator = createSymbolicator({
      fetchSource: web.fetchSource,
      readFile: noFiles,
      loadTraceMapping: () => {
        loads++;
        return traceMapping();
      },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => symbolicator.mapFrames([{ abs_path: url, lineno: line, colno: column }])),
    );
    expect(results.every((frames) => frames?.[0]?.lineno === 8)).toBe(true);
    expect(loads).toBe(1);
  });
});
