// The sidecar sections: throughput and latency per (target, concurrency, viewers), memory (idle, after a long load,
// with a stalled viewer) and cold start. Every scenario gets a fresh server process, so CPU and memory figures
// belong to that scenario alone.
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadTemplates, markerFactory, stamp } from './envelopes.mjs';
import { awaitDelivery, deliveryStats, openViewer, sendLoad } from './load.mjs';
import { BENCH_DIR, freePort, processSample, rssSampler, spawnTarget, startTarget, stopChild } from './processes.mjs';
import { latencySummary, median, round } from './stats.mjs';

export const PROFILE_DIR = join(BENCH_DIR, 'results', 'profiles');

let templatesCache;
const templates = () => {
  templatesCache ??= loadTemplates();
  return templatesCache;
};

async function withServer(target, fn, options = {}) {
  const server = await startTarget(target, options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** Runs `fn` with `count` viewers of `server` that look for markers starting with `prefix`; closes them after. */
async function withViewers(server, count, prefix, fn) {
  const viewers = [];
  try {
    for (let i = 0; i < count; i++) viewers.push(await openViewer({ port: server.port, prefix }));
    return await fn(viewers);
  } finally {
    for (const v of viewers) v.close();
  }
}

/** The load generator's CPU (this process) per envelope it sent, in µs. */
function generatorCpuUsPerEnvelope(load) {
  return load.sent ? round((load.generatorCpuMs * 1000) / load.sent, 1) : null;
}

/** One throughput scenario: warm-up, then `count` envelopes (or `maxMs`) at `concurrency` with `viewers` readers. */
export function throughputScenario({ target, concurrency, viewers: viewerCount, count, maxMs, warmup, profile = false }) {
  const options = profile ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] } : {};
  return withServer(
    target,
    async (server) => {
      await sleep(300);
      const idle = processSample(server.pid);
      const run = markerFactory();
      return withViewers(server, viewerCount, run.prefix, async (viewers) => {
        // Warm-up under another prefix: the JIT and the connection pool settle, viewers ignore these markers.
        const warm = markerFactory();
        await sendLoad({ port: server.port, count: warmup, concurrency, templates: templates(), markerOf: warm.marker, maxMs: 3000 });
        await sleep(300);

        const before = processSample(server.pid);
        const sampler = rssSampler(server.pid);
        const load = await sendLoad({ port: server.port, count, concurrency, templates: templates(), markerOf: run.marker, maxMs });
        await awaitDelivery(viewers, load.accepted);
        const after = processSample(server.pid);
        const peak = sampler.stop();
        const delivery = deliveryStats(viewers, load, run.prefix);
        const cpuMs = after && before ? after.cpuMs - before.cpuMs : null;
        return {
          target,
          concurrency,
          viewers: viewerCount,
          sent: load.sent,
          accepted: load.accepted,
          failures: load.failures,
          seconds: round(load.seconds, 3),
          acceptedPerSec: round(load.accepted / load.seconds, 1),
          deliveredPerSec: round(load.accepted / ((delivery.lastReceived - load.started) / 1000), 1),
          mbPerSec: round(load.bytes / 1e6 / load.seconds, 2),
          latencyMs: latencySummary(delivery.latencies),
          lostEnvelopes: delivery.lostEnvelopes,
          lostPairs: delivery.lostPairs,
          viewersDisconnected: viewers.filter((v) => v.state.closed).length,
          server: {
            rssIdle: idle?.rss ?? null,
            rssBefore: before?.rss ?? null,
            rssAfter: after?.rss ?? null,
            rssPeak: peak || null,
            cpuMs: cpuMs === null ? null : round(cpuMs, 0),
            cpuUsPerEnvelope: cpuMs === null || load.accepted === 0 ? null : round((cpuMs * 1000) / load.accepted, 1),
            // User (JavaScript, parsing, GC) and system (syscalls, page faults) time, and page faults, per envelope.
            userUsPerEnvelope:
              cpuMs === null || load.accepted === 0 ? null : round(((after.userMs - before.userMs) * 1000) / load.accepted, 1),
            sysUsPerEnvelope:
              cpuMs === null || load.accepted === 0 ? null : round(((after.sysMs - before.sysMs) * 1000) / load.accepted, 1),
            minorFaultsPerEnvelope:
              cpuMs === null || load.accepted === 0 ? null : round((after.minorFaults - before.minorFaults) / load.accepted, 1),
          },
          generatorCpuUsPerEnvelope: generatorCpuUsPerEnvelope(load),
        };
      });
    },
    options,
  );
}

/**
 * Runs the load generator (this process) through every cell's shape against the bare server, measuring nothing.
 * The generator and its viewers are JavaScript too: without this, their JIT warm-up lands in the first measured
 * runs, as more generator CPU per envelope on the same two cores. Some first-run cost is left after it, which is
 * why run.mjs also lets the targets take turns starting a cell. Returns the generator's CPU per envelope per pass.
 */
export function warmGenerator({ concurrencies, viewers: viewerCounts, count }) {
  return withServer('bare', async (server) => {
    const passes = [];
    for (const concurrency of concurrencies) {
      for (const viewerCount of viewerCounts) {
        const run = markerFactory();
        await withViewers(server, viewerCount, run.prefix, async (viewers) => {
          const load = await sendLoad({
            port: server.port,
            count,
            concurrency,
            templates: templates(),
            markerOf: run.marker,
            maxMs: 10_000,
          });
          await awaitDelivery(viewers, load.accepted);
          passes.push({ concurrency, viewers: viewerCount, generatorCpuUsPerEnvelope: generatorCpuUsPerEnvelope(load) });
        });
      }
    }
    return passes;
  });
}

/** RSS a second after start, nothing sent. */
export function idleMemory(target) {
  return withServer(target, async (server) => {
    await sleep(1000);
    const sample = processSample(server.pid);
    return { target, rss: sample?.rss ?? null };
  });
}

/**
 * RSS growth over a long load with default limits: one reading viewer, plus (when `stalled`) one viewer that never
 * reads. Reports idle RSS, RSS after the load settled, the peak, what the reading viewer lost, and whether the
 * stalled viewer was cut off.
 */
export function memoryScenario({ target, count, maxMs, stalled, concurrency = 16 }) {
  return withServer(target, async (server) => {
    await sleep(1000);
    const idle = processSample(server.pid);
    const run = markerFactory();
    const reader = await openViewer({ port: server.port, prefix: run.prefix });
    const stalledViewer = stalled ? await openViewer({ port: server.port, prefix: run.prefix, stalled: true }) : null;
    try {
      const sampler = rssSampler(server.pid, 100);
      const load = await sendLoad({ port: server.port, count, concurrency, templates: templates(), markerOf: run.marker, maxMs });
      await awaitDelivery([reader], load.accepted);
      await sleep(1000);
      const after = processSample(server.pid);
      const peak = sampler.stop();
      const delivery = deliveryStats([reader], load, run.prefix);
      const stalledDisconnected = stalledViewer ? await stalledViewer.resumeUntilClosed(5000) : null;
      return {
        target,
        stalledViewer: stalled,
        sent: load.sent,
        accepted: load.accepted,
        failures: load.failures,
        seconds: round(load.seconds, 2),
        timeCapped: load.sent < count,
        rssIdle: idle?.rss ?? null,
        rssAfter: after?.rss ?? null,
        rssPeak: peak || null,
        growth: after && idle ? after.rss - idle.rss : null,
        peakGrowth: peak && idle ? peak - idle.rss : null,
        readerLost: delivery.lostEnvelopes,
        stalledDisconnected,
        stalledBytesRead: stalledViewer ? stalledViewer.state.bytes : null,
        serverAlive: !server.exited(),
      };
    } finally {
      reader.close();
      stalledViewer?.close();
    }
  });
}

function postOnce(port, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/stream',
        agent: false,
        headers: { 'Content-Type': 'application/x-sentry-envelope', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', (error) => resolve(error.code ?? 'error'));
    req.end(body);
  });
}

/** One spawn: until the first envelope is accepted (200), polling the port every 2 ms. */
async function coldStartOnce(target, body, timeoutMs) {
  const port = await freePort();
  const started = performance.now();
  const child = spawnTarget(target, { port });
  let status = null;
  try {
    while (performance.now() - started < timeoutMs) {
      status = await postOnce(port, body);
      if (status === 200) break;
      if (child.exitCode !== null) break;
      await sleep(2);
    }
    if (status !== 200) return { error: `last answer ${status}${child.exitCode !== null ? `, exited ${child.exitCode}` : ''}` };
    // CPU the process used until then (all its threads; 10 ms resolution): unlike wall time, barely moved by
    // whatever else the machine runs.
    return { ms: performance.now() - started, cpuMs: processSample(child.pid)?.cpuMs };
  } finally {
    await stopChild(child);
  }
}

/**
 * Cold starts of every target, `reps` rounds of one spawn each, in turn: a moment when the machine is slow then
 * costs every target alike, not only the one measured then. Medians per target; with the bare server among them,
 * ours also gets `overFloorMs`, the median of its excess over the bare start of the same round.
 */
export async function coldStarts(targets, { reps, timeoutMs = 15_000 }) {
  const body = stamp(templates().error, markerFactory().marker(0));
  const runs = new Map(targets.map((target) => [target, { samples: [], cpu: [], errors: [], byRound: [] }]));
  for (let i = 0; i < reps; i++) {
    for (const target of targets) {
      const run = runs.get(target);
      const result = await coldStartOnce(target, body, timeoutMs);
      if (result.error) run.errors.push(`run ${i + 1}: ${result.error}`);
      else {
        run.samples.push(result.ms);
        if (result.cpuMs !== undefined) run.cpu.push(result.cpuMs);
      }
      run.byRound[i] = result.ms;
      await sleep(200);
    }
  }
  const bare = runs.get('bare');
  return targets.map((target) => {
    const { samples, cpu, errors, byRound } = runs.get(target);
    const overFloor =
      target === 'ours' && bare
        ? byRound.flatMap((ms, i) => (ms !== undefined && bare.byRound[i] !== undefined ? [ms - bare.byRound[i]] : []))
        : [];
    return {
      target,
      reps,
      samplesMs: samples.map((ms) => round(ms, 1)),
      medianMs: round(median(samples), 1),
      minMs: samples.length ? round(Math.min(...samples), 1) : null,
      cpuMs: cpu,
      medianCpuMs: round(median(cpu), 0),
      ...(overFloor.length ? { overFloorMs: round(median(overFloor), 1) } : {}),
      errors,
    };
  });
}
