/**
 * Scenarios with real processes against each supported `@sentry/node` major (one test file per major,
 * so that vitest runs the majors side by side): the app scripts in apps/ import the SDK named by
 * SDK_MODULE and the built hooks, start a real sidecar lazily, and the sidecar's stream is read back.
 */
import { join } from 'node:path';
import type { WireEnvelope } from '@spotlight/envelope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPS_DIR,
  childEnv,
  ensureBuilt,
  errorValues,
  killAll,
  payloads,
  readStream,
  runNode,
  sidecarPids,
  spans,
  tempDir,
} from './processes.ts';
import { freePort } from './servers.ts';

interface Report {
  sdk: string;
  enabled?: boolean;
  url?: string;
  stats?: { sent: number; dropped: number; rejected: number; queued: number };
  envelopePosts?: number;
  envelopePostsSent?: number;
}

function report(stdout: string): Report {
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no report in: ${stdout}`);
  return JSON.parse(line) as Report;
}

/** Names of spans and transactions: SDK 8 to 10 send transactions, 11 span-v2 containers. */
function spanNames(envelopes: readonly WireEnvelope[]): string[] {
  return [...payloads(envelopes, 'transaction').map((tx) => String(tx.transaction)), ...spans(envelopes).map((span) => span.name)];
}

function releases(envelopes: readonly WireEnvelope[]): unknown[] {
  return payloads(envelopes, 'event').map((event) => event.release);
}

/** Sums of the `discarded_events` of the client reports on the stream. */
function discarded(envelopes: readonly WireEnvelope[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const report of payloads(envelopes, 'client_report')) {
    for (const line of (report.discarded_events ?? []) as { reason: string; category: string; quantity: number }[]) {
      const key = `${line.reason}:${line.category}`;
      sums[key] = (sums[key] ?? 0) + line.quantity;
    }
  }
  return sums;
}

const stateFiles: string[] = [];

function newStateFile(): string {
  const path = join(tempDir(), 'sidecar.json');
  stateFiles.push(path);
  return path;
}

async function stopSidecars(stateFile: string): Promise<void> {
  for (const pid of sidecarPids(stateFile)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

export type InitOrder = 'sentry-first' | 'spotlight-first' | 'integration';
const ORDERS: readonly InitOrder[] = ['sentry-first', 'spotlight-first', 'integration'];
/** `SENTRY_SPOTLIGHT` as people set it: not at all, Sentry's "on" values, and a URL (here: the sidecar's port). */
const SPOTLIGHT_ENV: readonly string[] = ['unset', '1', 'true', 'a URL'];

/**
 * Every init order × every `SENTRY_SPOTLIGHT`: one sidecar is started where none answers (on the port
 * the URL names, when it names one), and the script's error and span arrive once each, with the app's
 * own options (its release) applied; no envelope leaves the process through Sentry's own integration.
 */
export function initOrderScenarios(sdkModule: string): void {
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => killAll(stateFiles));

  describe.each(ORDERS)('%s', { timeout: 90_000 }, (order) => {
    it.each(SPOTLIGHT_ENV)('SENTRY_SPOTLIGHT=%s', async (spotlightEnv) => {
      const stateFile = newStateFile();
      const port = await freePort();
      const tag = `${order}-${spotlightEnv.replace(' ', '-')}`;
      const run = await runNode(
        [join(APPS_DIR, 'init-order.mjs')],
        childEnv({
          SDK_MODULE: sdkModule,
          INIT_ORDER: order,
          TEST_TAG: tag,
          // With a URL, the port setting points elsewhere: the URL must win.
          SPOTLIGHT_PORT: String(spotlightEnv === 'a URL' ? await freePort() : port),
          SPOTLIGHT_STATE_FILE: stateFile,
          SPOTLIGHT_IDLE_EXIT: '60',
          ...(spotlightEnv === 'unset'
            ? {}
            : { SENTRY_SPOTLIGHT: spotlightEnv === 'a URL' ? `http://localhost:${port}/stream` : spotlightEnv }),
        }),
        60_000,
      );
      try {
        expect(run.code, run.stderr).toBe(0);
        const r = report(run.stdout);
        expect(r, run.stderr).toMatchObject({ enabled: true, url: `http://localhost:${port}`, envelopePostsSent: 0 });
        expect(r.stats).toMatchObject({ dropped: 0, rejected: 0, queued: 0 });
        expect(sidecarPids(stateFile)).toHaveLength(1);
        const envelopes = await readStream(
          `http://localhost:${port}`,
          (e) => errorValues(e).length > 0 && spanNames(e).includes(`span ${tag}`),
          15_000,
        );
        // Once each: nothing sent twice.
        expect(errorValues(envelopes)).toEqual([`error ${tag}`]);
        expect(spanNames(envelopes).filter((name) => name === `span ${tag}`)).toHaveLength(1);
        expect(releases(envelopes)).toEqual([`app@${tag}`]);
      } finally {
        await stopSidecars(stateFile);
      }
    });
  });
}

/**
 * A burst of 500 synchronous errors from a script: all 500 on the stream from a cold start (the script
 * starts the sidecar, and ends without flushing), and again warm (the sidecar is running; the script
 * flushes). Then a bound small enough to be reached: what is dropped is counted in `stats()`, said in
 * one warning line, and reported to the sidecar as a client report.
 */
export function burstScenarios(sdkModule: string): void {
  const BURST = 500;
  let stateFile = '';
  let port = 0;

  beforeAll(async () => {
    ensureBuilt();
    stateFile = newStateFile();
    port = await freePort();
  }, 120_000);
  afterAll(() => killAll(stateFiles));

  const burst = (tag: string, extra: Record<string, string>) =>
    runNode(
      [join(APPS_DIR, 'burst.mjs')],
      childEnv({
        SDK_MODULE: sdkModule,
        TEST_TAG: tag,
        BURST: String(BURST),
        SPOTLIGHT_PORT: String(port),
        SPOTLIGHT_STATE_FILE: stateFile,
        SPOTLIGHT_IDLE_EXIT: '60',
        ...extra,
      }),
      90_000,
    );
  const errorsTagged = (envelopes: readonly WireEnvelope[], tag: string) => errorValues(envelopes).filter((v) => v.startsWith(`${tag} `));

  it('cold: the script starts the sidecar and ends without flushing; all 500 arrive', { timeout: 120_000 }, async () => {
    expect(sidecarPids(stateFile)).toEqual([]);
    const run = await burst('cold', { EXIT: 'natural' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(report(run.stdout)).toMatchObject({
      url: `http://localhost:${port}`,
      stats: { sent: BURST, dropped: 0, rejected: 0, queued: 0 },
    });
    expect(sidecarPids(stateFile)).toHaveLength(1);
    const envelopes = await readStream(`http://localhost:${port}`, (e) => errorsTagged(e, 'cold').length >= BURST, 20_000);
    // Each once (the SDK finishes processing them in its own order).
    expect(errorsTagged(envelopes, 'cold').sort()).toEqual(Array.from({ length: BURST }, (_, i) => `cold ${i}`).sort());
  });

  it('warm: with the sidecar running, all 500 arrive again', { timeout: 120_000 }, async () => {
    const run = await burst('warm', {});
    expect(run.code, run.stderr).toBe(0);
    expect(report(run.stdout).stats).toEqual({ sent: BURST, dropped: 0, rejected: 0, queued: 0 });
    const envelopes = await readStream(`http://localhost:${port}`, (e) => errorsTagged(e, 'warm').length >= BURST, 20_000);
    expect(new Set(errorsTagged(envelopes, 'warm')).size).toBe(BURST);
    expect(sidecarPids(stateFile)).toHaveLength(1);
  });

  it('a bound that is reached: the drop is counted, said once, and reported to the sidecar', { timeout: 120_000 }, async () => {
    const run = await burst('bounded', { MAX_QUEUE: '50' });
    expect(run.code, run.stderr).toBe(0);
    const { stats } = report(run.stdout);
    if (!stats) throw new Error('no stats');
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.sent + stats.dropped).toBe(BURST);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[spotlight\] dropped \d+ envelopes in a burst: more than 50 envelopes or 64 MiB were waiting \(raise maxQueue \/ maxQueueBytes\); counted in stats\(\) and in Spotlight's SDKs view$/,
    );
    const envelopes = await readStream(
      `http://localhost:${port}`,
      (e) => errorsTagged(e, 'bounded').length >= stats.sent && (discarded(e)['queue_overflow:error'] ?? 0) >= stats.dropped,
      20_000,
    );
    expect(new Set(errorsTagged(envelopes, 'bounded')).size).toBe(stats.sent);
    expect(discarded(envelopes)).toEqual({ 'queue_overflow:error': stats.dropped });
    // In the SDK's name, so that the overlay shows it on the SDK's row.
    const [header] = envelopes.find(([, items]) => items.some(([item]) => item.type === 'client_report')) ?? [{}];
    expect((header as { sdk?: { name?: string } }).sdk?.name).toBe('sentry.javascript.node');
  });
}
