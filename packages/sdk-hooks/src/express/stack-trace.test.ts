import { describe, expect, it } from 'vitest';
import { addSourceContext, contextAround, isInApp, parseV8Stack } from './stack-trace.ts';

const STACK = `TypeError: Cannot read properties of undefined (reading 'total')
    at priceOf (/home/dev/shop/src/routes/orders.ts:42:18)
    at async Promise.all (index 0)
    at Layer.handle [as handle_request] (/home/dev/shop/node_modules/router/lib/layer.js:152:17)
    at file:///home/dev/shop/src/server.mjs:7:3
    at new Checkout (/home/dev/shop/src/checkout.ts:3:9)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;

describe('parseV8Stack', () => {
  it('parses V8 frames oldest first, with in-app marking and file URLs as paths', () => {
    expect(parseV8Stack(STACK)).toEqual([
      {
        filename: 'node:internal/process/task_queues',
        abs_path: 'node:internal/process/task_queues',
        function: 'process.processTicksAndRejections',
        lineno: 95,
        colno: 5,
        in_app: false,
      },
      {
        filename: '/home/dev/shop/src/checkout.ts',
        abs_path: '/home/dev/shop/src/checkout.ts',
        function: 'new Checkout',
        lineno: 3,
        colno: 9,
        in_app: true,
      },
      { filename: '/home/dev/shop/src/server.mjs', abs_path: '/home/dev/shop/src/server.mjs', lineno: 7, colno: 3, in_app: true },
      {
        filename: '/home/dev/shop/node_modules/router/lib/layer.js',
        abs_path: '/home/dev/shop/node_modules/router/lib/layer.js',
        function: 'Layer.handle [as handle_request]',
        lineno: 152,
        colno: 17,
        in_app: false,
      },
      { filename: 'index 0', function: 'Promise.all', in_app: false },
      {
        filename: '/home/dev/shop/src/routes/orders.ts',
        abs_path: '/home/dev/shop/src/routes/orders.ts',
        function: 'priceOf',
        lineno: 42,
        colno: 18,
        in_app: true,
      },
    ]);
  });

  it('keeps at most maxFrames of the most recent calls', () => {
    expect(parseV8Stack(STACK, 2).map((frame) => frame.function)).toEqual(['Promise.all', 'priceOf']);
  });

  it('treats dependencies and relative or internal paths as library code', () => {
    expect(isInApp('/app/node_modules/x/index.js')).toBe(false);
    expect(isInApp('node:fs')).toBe(false);
    expect(isInApp('/app/src/x.ts')).toBe(true);
  });
});

describe('source context', () => {
  it('takes the lines around the frame, clipped at the file edges', () => {
    const source = ['one', 'two', 'three', 'four', 'five'];
    expect(contextAround(source, 2, 2)).toEqual({ pre_context: ['one'], context_line: 'two', post_context: ['three', 'four'] });
    expect(contextAround(source, 9, 2)).toEqual({});
  });

  it('reads the real file of a thrown error', async () => {
    const error = new Error('here'); // the line the frame points at
    const frames = await addSourceContext(parseV8Stack(error.stack ?? ''));
    const top = frames.at(-1);
    expect(top?.context_line?.trim()).toBe("const error = new Error('here'); // the line the frame points at");
    expect(top?.in_app).toBe(true);
    expect(top?.pre_context).toHaveLength(7);
  });

  it('reads each file once and skips unreadable ones', async () => {
    const reads: string[] = [];
    const frames = parseV8Stack(STACK);
    await addSourceContext(frames, undefined, async (path) => {
      reads.push(path);
      return path.endsWith('orders.ts') ? Array.from({ length: 50 }, (_, i) => `line ${i + 1}`) : undefined;
    });
    expect(reads).toEqual([
      '/home/dev/shop/src/checkout.ts',
      '/home/dev/shop/src/server.mjs',
      '/home/dev/shop/node_modules/router/lib/layer.js',
      '/home/dev/shop/src/routes/orders.ts',
    ]);
    expect(frames.at(-1)?.context_line).toBe('line 42');
    expect(frames[1]?.context_line).toBeUndefined();
  });
});
