import { describe, expect, it } from 'vitest';
import {
  cell,
  costTable,
  evaluateTargets,
  RESULTS_END,
  RESULTS_START,
  resultsMarkdown,
  spliceResults,
  throughputTable,
} from './report.mjs';

const MiB = 1024 * 1024;

function run(target: string, acceptedPerSec: number, p99: number, extra: Record<string, unknown> = {}) {
  return {
    target,
    concurrency: 16,
    viewers: 1,
    sent: 3000,
    accepted: 3000,
    acceptedPerSec,
    latencyMs: { count: 3000, p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2 },
    lostEnvelopes: 0,
    server: { cpuUsPerEnvelope: 100, userUsPerEnvelope: 80, sysUsPerEnvelope: 20, minorFaultsPerEnvelope: 1.5, rssPeak: 50 * MiB },
    ...extra,
  };
}

const results = {
  date: '2026-11-24T12:00:00.000Z',
  mode: 'full',
  sections: ['throughput', 'memory', 'coldstart', 'overlay'],
  machine: { nproc: 2, cpuModel: 'AMD EPYC', memTotal: 24 * 1024 * MiB, node: 'v20.20.2', os: 'Debian GNU/Linux 12' },
  versions: { published: '4.11.8', commit: 'abc1234' },
  load: { mix: 'error, span, error, transaction' },
  throughput: [
    run('ours', 3000, 10, { repeat: 0 }),
    run('ours', 3400, 14, { repeat: 1 }),
    run('ours', 2000, 12, { repeat: 2, lostEnvelopes: 2 }),
    run('published', 400, 100, { repeat: 0 }),
    run('published', 500, 120, { repeat: 1 }),
    run('published', 300, 90, { repeat: 2 }),
    run('bare', 4000, 8, { repeat: 0 }),
    run('bare', 4000, 8, { repeat: 1 }),
    run('bare', 4000, 8, { repeat: 2 }),
  ],
  memory: {
    idle: [{ target: 'ours', rss: 45 * MiB }],
    load: [
      { target: 'ours', stalledViewer: false, accepted: 100_000, growth: 30 * MiB, peakGrowth: 40 * MiB, readerLost: 0, serverAlive: true },
      {
        target: 'ours',
        stalledViewer: true,
        accepted: 100_000,
        growth: 20 * MiB,
        peakGrowth: 70 * MiB,
        readerLost: 0,
        stalledDisconnected: true,
        serverAlive: true,
      },
    ],
  },
  coldStart: [
    { target: 'ours', medianMs: 140, medianCpuMs: 120, samplesMs: [140], overFloorMs: 78, errors: [] },
    { target: 'published', medianMs: 1600, samplesMs: [1600], errors: [] },
    { target: 'bare', medianMs: 60, samplesMs: [60], errors: [] },
  ],
  overlay: { status: 'skipped', reason: 'the overlay is not built yet', bundle: { esm: null, page: null } },
};

describe('cell', () => {
  it('takes the median of the repeats and sums what was lost', () => {
    expect(cell(results.throughput, 'ours', 16, 1)).toMatchObject({ runs: 3, acceptedPerSec: 3000, p99: 12, lostEnvelopes: 2, failed: 0 });
    expect(cell(results.throughput, 'ours', 64, 1)).toBeNull();
  });
});

describe('evaluateTargets', () => {
  const rows = Object.fromEntries(evaluateTargets(results).map((r: { id: string }) => [r.id, r]));

  it('judges the headline cell against the published sidecar and the bare server', () => {
    // Paired by repeat: 3000/400, 3400/500, 2000/300 -> 7.5, 6.8, 6.67; p99 10/100, 14/120, 12/90.
    expect(rows['throughput-vs-published']).toMatchObject({
      measured: '6.80× (medians 3,000 vs 400/s; per paired run 7.5, 6.8, 6.67)',
      result: 'met',
    });
    expect(rows['throughput-vs-bare']).toMatchObject({
      measured: '75 % (medians 3,000 vs 4,000/s; per paired run 0.75, 0.85, 0.5)',
      result: 'met',
    });
    expect(rows['nothing-lost']).toMatchObject({ measured: '2 lost, 0 not accepted', result: 'MISSED' });
    expect(rows['p99-vs-published']).toMatchObject({
      measured: '0.12× (medians 12 ms vs 100 ms; per paired run 0.1, 0.12, 0.13)',
      result: 'met',
    });
  });

  it('judges memory on the worse of settled and peak growth', () => {
    expect(rows['idle-rss']).toMatchObject({ measured: '45.0 MiB', result: 'met' });
    expect(rows['growth-100k'].result).toBe('met');
    expect(rows['growth-stalled']).toMatchObject({
      measured: '100,000 envelopes; settled +20.0 MiB, peak +70.0 MiB; stalled viewer disconnected',
      result: 'MISSED',
    });
    expect(rows['cold-start']).toMatchObject({
      measured: '140 ms, 120 ms CPU (published 1600 ms; bare node:http floor 60 ms; ours over the floor of the same round: 78 ms median)',
      result: 'met',
    });
  });

  it('judges scrolling on the main thread CPU time of the longest task, wall time shown beside it', () => {
    const scroll = (wall: number, cpu: number | null) => ({ longestTaskMs: wall, longestTaskThreadMs: cpu });
    const withOverlay = {
      ...results,
      overlay: {
        status: 'ok',
        bundle: { esm: { bytes: 400_000, gzipBytes: 120 * 1024 } },
        errors: { scroll: scroll(61, 38) },
        traces: { status: 'ok', scroll: scroll(45, 44) },
      },
    };
    const row = evaluateTargets(withOverlay).find((r: { id: string }) => r.id === 'scroll-long-task');
    expect(row).toMatchObject({ measured: 'longest 44 ms (errors 38 ms CPU, 61 ms wall; traces 44 ms CPU, 45 ms wall)', result: 'met' });
    withOverlay.overlay.traces.scroll = scroll(70, null);
    expect(evaluateTargets(withOverlay).find((r: { id: string }) => r.id === 'scroll-long-task').result).toBe('MISSED');
  });

  it('judges the embedded replay on the longer of its two scenarios (panel closed and open), each the median of its loads', () => {
    const load = (cpu: number) => ({ longestTaskMs: cpu + 20, longestTaskThreadMs: cpu });
    const scenario = (panel: string, cpus: number[]) => ({
      panel,
      loads: cpus.length,
      longestTaskThreadMs: [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)],
      longestTaskMs: 60,
      runs: cpus.map(load),
    });
    const withOverlay = {
      ...results,
      overlay: {
        status: 'ok',
        envelopes: 10_000,
        bundle: { esm: { bytes: 400_000, gzipBytes: 120 * 1024 } },
        errors: { scroll: { longestTaskMs: 20, longestTaskThreadMs: 18 } },
        traces: { status: 'ok', scroll: { longestTaskMs: 20, longestTaskThreadMs: 18 } },
        embedded: [scenario('closed', [31, 35, 52]), scenario('open', [48, 44, 40])],
      },
    };
    const row = () => evaluateTargets(withOverlay).find((r: { id: string }) => r.id === 'embedded-replay-long-task');
    expect(row()).toMatchObject({
      goal: 'no task > 50 ms while 10,000 envelopes replay into a page that embeds the overlay (panel closed and open)',
      measured:
        'longest 44 ms (panel closed 35 ms CPU, 60 ms wall, median of 3 loads: 31 ms, 35 ms, 52 ms; panel open 44 ms CPU, 60 ms wall, median of 3 loads: 48 ms, 44 ms, 40 ms)',
      result: 'met',
    });
    withOverlay.overlay.embedded = [scenario('closed', [31, 35, 52]), scenario('open', [60, 250, 80])];
    expect(row()?.result).toBe('MISSED');
    withOverlay.overlay.embedded = [scenario('closed', [31])];
    expect(row()?.result).toBe('not measured');
  });

  it('says "not measured" for what did not run', () => {
    expect(rows['embedded-replay-long-task']).toMatchObject({ measured: null, result: 'not measured' });
    expect(rows['scroll-long-task']).toMatchObject({ measured: null, result: 'not measured' });
    expect(rows['bundle-size']).toMatchObject({ measured: null, result: 'not measured' });
  });
});

describe('markdown', () => {
  it('puts the three targets side by side with the ratios', () => {
    expect(throughputTable(results.throughput).split('\n')[2]).toBe(
      '| 16 | 1 | 3,000/s, p50 3.00 ms, p99 12 ms, lost 2 | 400/s, p50 25 ms, p99 100 ms, lost 0 | 4,000/s, p50 2.00 ms, p99 8.00 ms, lost 0 | 6.80× | 0.75× |',
    );
  });

  it('splits the server CPU into user and system time', () => {
    expect(costTable(results.throughput).split('\n')[2]).toBe('| ours | 100 µs | 80 µs / 20 µs | 1.5 | 50.0 MiB |');
  });

  it('replaces only the generated block of the README', () => {
    const readme = `# Bench\n\nintro\n\n${RESULTS_START}\nold\n${RESULTS_END}\n\n## Notes\nkept\n`;
    const out = spliceResults(readme, 'new');
    expect(out).toBe(`# Bench\n\nintro\n\n${RESULTS_START}\nnew\n${RESULTS_END}\n\n## Notes\nkept\n`);
    expect(spliceResults('# Bench\n', 'new')).toBe(`# Bench\n\n${RESULTS_START}\nnew\n${RESULTS_END}\n`);
  });

  it('names the date and machine of the run', () => {
    expect(resultsMarkdown(results).split('\n')[0]).toBe(
      'Run of 2026-11-24T12:00:00.000Z (full mode, sections: throughput, memory, coldstart, overlay) on AMD EPYC, 2 CPUs, 24576.0 MiB RAM, Node v20.20.2, Debian GNU/Linux 12.',
    );
  });
});
