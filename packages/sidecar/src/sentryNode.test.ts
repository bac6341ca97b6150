import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import { afterEach, describe, expect, it } from 'vitest';
import { sidecarStarter } from './test/server.ts';
import { SseClient } from './test/sse.ts';

const start = sidecarStarter();
const APP = fileURLToPath(new URL('./test/sentryNodeApp.mjs', import.meta.url));
const children = new Set<ReturnType<typeof spawn>>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

function runApp(sidecarUrl: string, mode: 'spotlight' | 'dsn'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [APP], {
      env: { ...process.env, SIDECAR_URL: sidecarUrl, MODE: mode },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    });
  });
}

/** Every item the viewer got, as [type, payload] with the envelope header. */
function items(viewer: SseClient): { type: string; payload: unknown; header: WireEnvelope[0] }[] {
  return viewer.events.flatMap((event) => {
    const [header, list] = decodeWireEnvelope(event.data);
    return list.map(([h, payload]) => ({ type: h.type, payload, header }));
  });
}

describe('@sentry/node 11, as a new user sets it up', () => {
  for (const mode of ['spotlight', 'dsn'] as const) {
    it(`delivers the error, its spans and its logs to GET /stream (${mode === 'spotlight' ? "spotlight: '.../stream', no DSN" : 'DSN pointed at the sidecar'})`, async () => {
      const sidecar = await start();
      const viewer = await SseClient.open(`${sidecar.url}/stream`);
      const { code, stderr } = await runApp(sidecar.url, mode);
      expect(code, stderr).toBe(0);
      const has = (type: string) => items(viewer).some((item) => item.type === type);
      await viewer.waitFor(() => has('event') && has('log') && (has('span') || has('transaction')), 'event, log and span items');

      const event = items(viewer).find((item) => item.type === 'event');
      if (!event) throw new Error('no event item');
      const exception = (event.payload as { exception: { values: { type: string; value: string }[] } }).exception.values[0];
      expect(exception).toMatchObject({ type: 'Error', value: 'payment declined' });
      expect(event.header.sdk?.name).toBe('sentry.javascript.node');
      expect(event.header.__spotlight_inferred_source).toBe('server');

      const spanNames = items(viewer).flatMap((item) => {
        if (item.type === 'span') return (item.payload as { items: { name: string }[] }).items.map((s) => s.name);
        if (item.type === 'transaction') {
          const tx = item.payload as { transaction: string; spans: { description: string }[] };
          return [tx.transaction, ...tx.spans.map((s) => s.description)];
        }
        return [];
      });
      expect(spanNames).toEqual(expect.arrayContaining(['checkout', 'load cart']));

      const logs = items(viewer)
        .filter((item) => item.type === 'log')
        .flatMap((item) => (item.payload as { items: { body: string; level: string }[] }).items);
      expect(logs).toEqual(expect.arrayContaining([expect.objectContaining({ body: 'cart loaded', level: 'info' })]));
      viewer.close();
    });
  }
});
