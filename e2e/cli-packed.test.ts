import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, registryPackages, type TempApp, userEnv } from './helpers/pack.ts';

// The commands as a user gets them: the packed sentry-spotlight installed in a fresh app outside the
// repository, its `spotlight` bin running a real @sentry/node app, then an agent asking over MCP.

const run = promisify(execFile);

const APP = `import * as Sentry from '@sentry/node';
Sentry.init({ release: 'shop@2.0.0' });
console.log('charging card');
Sentry.captureException(new Error('card declined'));
await Sentry.flush(5000);
process.exitCode = 5;
`;

let app: TempApp;
let sidecar: ChildProcess;
let url = '';
let env: Record<string, string>;

beforeAll(async () => {
  app = await createTempApp({ packages: registryPackages(['@sentry/node']), files: { 'app.mjs': APP } });
  env = userEnv({ XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'spotlight-cache-')) });
  sidecar = spawn(join(app.dir, 'node_modules', '.bin', 'spotlight'), ['--port', '0', '--host', '127.0.0.1'], { cwd: app.dir, env });
  url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    sidecar.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    sidecar.once('exit', () => reject(new Error(`the sidecar exited: ${stderr}`)));
  });
}, 300_000);

afterAll(() => {
  sidecar?.kill('SIGTERM');
  app?.remove();
});

describe('the packed spotlight commands', () => {
  it('runs an app with run, then answers an agent over MCP (stdio) about its error', async () => {
    const bin = join(app.dir, 'node_modules', '.bin', 'spotlight');
    const ran = await run(bin, ['run', '--url', url, '--', process.execPath, 'app.mjs'], { cwd: app.dir, env }).catch((error) => error);
    expect(ran.code).toBe(5);
    expect(ran.stdout).toBe('charging card\n');

    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: bin, args: ['mcp', '--url', url], cwd: app.dir, env, stderr: 'pipe' }));
    try {
      const result = await client.callTool({ name: 'list_issues', arguments: {} });
      const text = (result.content as { text: string }[])[0]?.text ?? '';
      expect(text.split('\n')[0]).toBe('# 1 issue held by Spotlight (most recently seen first)');
      expect(text).toMatch(/- \*\*Error: card declined\*\* · `app\.mjs:4` · node · shop@2\.0\.0 · last seen \S+ · issue `[0-9a-f]{14}`/);
      const logs = await client.callTool({ name: 'search_logs', arguments: {} });
      expect((logs.content as { text: string }[])[0]?.text).toMatch(/\[info\] spotlight\.run · node app\.mjs: charging card$/m);
    } finally {
      await client.close();
    }

    const tail = await new Promise<string>((resolve) => {
      const child = spawn(bin, ['tail', 'errors', '--url', url, '--format', 'json'], { cwd: app.dir, env });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) child.kill('SIGINT');
      });
      child.once('exit', () => resolve(out));
    });
    expect(JSON.parse(tail.split('\n')[0] as string)).toMatchObject({
      type: 'error',
      message: 'Error: card declined',
      service: 'node · shop@2.0.0',
      location: 'app.mjs:4',
    });
  });
});
