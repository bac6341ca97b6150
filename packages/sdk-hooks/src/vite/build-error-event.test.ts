import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asViteError, buildErrorEvent, errorKey } from './build-error-event.ts';

const dir = mkdtempSync(join(tmpdir(), 'spotlight-build-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('asViteError', () => {
  it("reads the HMR payload form of oxc's wrapped error (after Vite's prepareError) like the original", () => {
    const payload = {
      message: 'Transform failed with 1 error:\n\n[PARSE_ERROR] Expected `:` but found `decimal`\n   ╭─[ src/x.ts:3:10 ]\n',
      stack: '',
      id: '/app/src/x.ts',
      frame: '',
      plugin: 'vite:oxc',
    };
    const original = {
      message: 'Transform failed with 1 error:',
      id: '/app/src/x.ts',
      plugin: 'vite:oxc',
      errors: [
        {
          code: 'PARSE_ERROR',
          message: '\u001b[31m[PARSE_ERROR] \u001b[0mExpected `:` but found `decimal`\n ╭─[ x ]',
          loc: { line: 3, column: 9 },
        },
      ],
    };
    const fromPayload = asViteError(payload);
    const fromOriginal = asViteError(original);
    expect(fromPayload).toEqual({
      message: 'Expected `:` but found `decimal`',
      code: 'PARSE_ERROR',
      stack: '',
      id: '/app/src/x.ts',
      plugin: 'vite:oxc',
    });
    expect(fromOriginal).toEqual({
      message: 'Expected `:` but found `decimal`',
      code: 'PARSE_ERROR',
      id: '/app/src/x.ts',
      plugin: 'vite:oxc',
      frame: ' ╭─[ x ]',
      loc: { line: 3, column: 9 },
    });
    expect(errorKey(fromPayload ?? { message: '' })).toBe(errorKey(fromOriginal ?? { message: '' }));
  });

  it('ignores values that are not errors', () => {
    expect(asViteError(undefined)).toBeUndefined();
    expect(asViteError({ reason: 'x' })).toBeUndefined();
  });
});

describe('buildErrorEvent', () => {
  it('turns a plugin error with a location into an event whose top frame is that place, with source around it', async () => {
    const file = join(dir, 'main.ts');
    writeFileSync(file, "import './style.css';\nimport { api } from './nope.ts';\n\napi();\n");
    const event = await buildErrorEvent(
      {
        message: 'Failed to resolve import "./nope.ts" from "src/main.ts". Does the file exist?',
        id: file,
        plugin: 'vite:import-analysis',
        loc: { file, line: 2, column: 20 },
        frame: "2 | import { api } from './nope.ts';\n  |                     ^",
        stack: 'Error: Failed\n    at TransformPluginContext.error (/app/node_modules/vite/dist/node/chunks/node.js:10:5)',
      },
      { root: dir, sdk: { name: 'spotlight.vite', version: '0.1.0' }, eventId: 'a'.repeat(32), timestamp: 1700000000 },
    );
    expect(event).toEqual({
      event_id: 'a'.repeat(32),
      timestamp: 1700000000,
      platform: 'javascript',
      level: 'error',
      logger: 'vite',
      environment: 'development',
      transaction: file,
      exception: {
        values: [
          {
            type: 'BuildError',
            value: 'Failed to resolve import "./nope.ts" from "src/main.ts". Does the file exist?',
            stacktrace: {
              frames: [
                {
                  filename: '/app/node_modules/vite/dist/node/chunks/node.js',
                  abs_path: '/app/node_modules/vite/dist/node/chunks/node.js',
                  function: 'TransformPluginContext.error',
                  lineno: 10,
                  colno: 5,
                  in_app: false,
                },
                {
                  filename: file,
                  abs_path: file,
                  lineno: 2,
                  colno: 21,
                  in_app: true,
                  function: '[vite:import-analysis]',
                  pre_context: ["import './style.css';"],
                  context_line: "import { api } from './nope.ts';",
                  post_context: ['', 'api();', ''],
                },
              ],
            },
            mechanism: { type: 'auto.vite.build', handled: false },
          },
        ],
      },
      tags: { 'vite.plugin': 'vite:import-analysis', file },
      contexts: {
        vite: {
          plugin: 'vite:import-analysis',
          id: file,
          file,
          line: 2,
          column: 20,
          frame: "2 | import { api } from './nope.ts';\n  |                     ^",
          root: dir,
        },
        runtime: { name: 'node', version: process.version },
      },
      sdk: { name: 'spotlight.vite', version: '0.1.0' },
    });
  });
});
