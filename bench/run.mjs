// npm run bench: our sidecar, the published one and a bare node:http ceiling under the same load in one run, then
// memory, cold start and the overlay in Chromium. Writes bench/results/<date>.json (+ latest.json) and the results
// block of bench/README.md. Flags:
//   --quick                 smaller counts (3 to 4 minutes); results go to results/latest-partial.json only
//   --sections=a,b          any of throughput, memory, coldstart, overlay (default: all)
//   --targets=a,b           any of ours, published, bare (default: all that exist)
//   --count=N               envelopes per throughput run
//   --render=FILE           only rewrite README.md's results block (and print the tables) from a results JSON
//   --cpu-prof              run our sidecar under `node --cpu-prof` in the headline cell, and profile the overlay page
//                           while it loads the replay (profiles in bench/results/profiles; read with profile-top.mjs)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { formatRows, profileTable, readProfile, topSelf, topTotal } from './lib/cpuprofile.mjs';
import { LOAD_MIX, loadTemplates } from './lib/envelopes.mjs';
import { overlayBench } from './lib/overlay-bench.mjs';
import { BENCH_DIR, installExitHandlers, killAll, publishedVersion, REPO_DIR, targetAvailable } from './lib/processes.mjs';
import { evaluateTargets, HEADLINE, resultsMarkdown, spliceResults, targetsTable, throughputTable } from './lib/report.mjs';
import { coldStarts, idleMemory, memoryScenario, PROFILE_DIR, throughputScenario, warmGenerator } from './lib/sidecar-bench.mjs';

const SECTIONS = ['throughput', 'memory', 'coldstart', 'overlay'];
const TARGETS = ['ours', 'published', 'bare'];

function parseArgs(argv) {
  const flags = { quick: false, sections: SECTIONS, targets: TARGETS, count: null, cpuProf: false, render: null };
  for (const arg of argv) {
    const [name, value] = arg.split('=');
    if (name === '--quick') flags.quick = true;
    else if (name === '--cpu-prof') flags.cpuProf = true;
    else if (name === '--sections') flags.sections = list(value, SECTIONS, name);
    else if (name === '--targets') flags.targets = list(value, TARGETS, name);
    else if (name === '--count') flags.count = positive(value, name);
    else if (name === '--render') flags.render = value;
    else if (name === '--help' || name === '-h') {
      console.log(
        readFileSync(new URL(import.meta.url), 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('//'))
          .map((line) => line.slice(3))
          .join('\n'),
      );
      process.exit(0);
    } else throw new Error(`bench: unknown flag ${arg} (see --help)`);
  }
  return flags;
}

function list(value, allowed, name) {
  const items = (value ?? '').split(',').filter(Boolean);
  const bad = items.filter((i) => !allowed.includes(i));
  if (items.length === 0 || bad.length) throw new Error(`bench: ${name} takes a comma list of ${allowed.join(', ')}`);
  return items;
}

function positive(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`bench: ${name} takes a positive integer`);
  return n;
}

/** Sizes of the two modes. Full keeps `npm run bench` under about 10 minutes on 2 cores. */
function plan(flags) {
  const quick = flags.quick;
  return {
    mode: quick ? 'quick' : 'full',
    throughput: {
      count: flags.count ?? (quick ? 800 : 3000),
      maxMs: quick ? 5000 : 10_000,
      warmup: quick ? 200 : 500,
      generatorWarmup: quick ? 1000 : 3000,
      concurrencies: [1, 16, 64],
      viewers: [1, 10],
      headlineRepeats: quick ? 1 : 5,
    },
    memory: { count: quick ? 20_000 : 100_000, maxMs: quick ? 15_000 : 150_000, publishedMaxMs: quick ? 8_000 : 30_000 },
    coldStart: { reps: quick ? 3 : 9 },
    overlay: { count: quick ? 3000 : 10_000, embeddedRepeats: quick ? 1 : 3 },
  };
}

function machine() {
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty) osName = `${pretty[1]} (${os.release()})`;
  } catch {
    // not Linux: keep os.type()
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memTotal: os.totalmem(),
    node: process.version,
    os: osName,
  };
}

function commit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages/sidecar', 'packages/overlay', 'packages/envelope'], {
      cwd: REPO_DIR,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} (+ uncommitted changes)` : head;
  } catch {
    return null;
  }
}

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function writeReadme(results) {
  const readmePath = join(BENCH_DIR, 'README.md');
  let readme = '';
  try {
    readme = readFileSync(readmePath, 'utf8');
  } catch {
    readme = '# Benchmarks\n';
  }
  writeFileSync(readmePath, spliceResults(readme, resultsMarkdown(results)));
}

function printSummary(results) {
  console.log(`\nSpotlight bench (${results.mode}, ${results.seconds} s)\n`);
  if (results.throughput?.length) console.log(`${throughputTable(results.throughput)}\n`);
  console.log(targetsTable(evaluateTargets(results)));
}

async function main() {
  const flags = parseArgs(process.argv.slice(2));
  if (flags.render) {
    const results = JSON.parse(readFileSync(flags.render, 'utf8'));
    writeReadme(results);
    printSummary(results);
    return;
  }
  installExitHandlers();
  const p = plan(flags);
  const started = Date.now();
  const targets = flags.targets.filter((t) => {
    const missing = targetAvailable(t);
    if (missing) log(`skipping target ${t}: ${missing}`);
    return !missing;
  });
  const templates = loadTemplates();
  if (flags.cpuProf) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const results = {
    date: new Date().toISOString(),
    mode: p.mode,
    sections: flags.sections,
    machine: machine(),
    versions: { published: publishedVersion(), commit: commit(), node: process.version },
    load: {
      mix: `${LOAD_MIX.join(', ')} repeating (error ${templates.error.bytes.length} B with a 30-frame stack; transaction of 50 spans ${templates.transaction.bytes.length} B; span-v2 container ${templates.span.bytes.length} B), POST /stream, keep-alive`,
      plan: p,
    },
    skippedTargets: flags.targets.filter((t) => !targets.includes(t)).map((t) => ({ target: t, reason: targetAvailable(t) })),
    errors: [],
  };

  const section = async (name, fn) => {
    if (!flags.sections.includes(name)) return;
    const t0 = Date.now();
    log(`== ${name}`);
    try {
      await fn();
    } catch (error) {
      log(`${name} failed: ${error.stack ?? error}`);
      results.errors.push({ section: name, message: String(error.message ?? error) });
    }
    log(`== ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  };

  await section('throughput', async () => {
    results.throughput = [];
    const { concurrencies, viewers, count, maxMs, warmup, generatorWarmup, headlineRepeats } = p.throughput;
    results.generatorWarmup = await warmGenerator({ concurrencies, viewers, count: generatorWarmup });
    log(
      `load generator warmed against the bare server (not measured): ${results.generatorWarmup.map((w) => `c${w.concurrency} v${w.viewers} ${w.generatorCpuUsPerEnvelope}`).join(', ')} µs/env`,
    );
    let turn = 0;
    for (const c of concurrencies) {
      for (const v of viewers) {
        const repeats = c === HEADLINE.concurrency && v === HEADLINE.viewers ? headlineRepeats : 1;
        for (let repeat = 0; repeat < repeats; repeat++) {
          // Targets interleaved, so a noisy moment of the machine hits all three alike, and each run of
          // cells starts with the next target in turn: the first run of a cell paid for more of the load
          // generator's CPU (about 60 % more per envelope in the headline cell, 25 to 50 % even after the
          // warm-up above), and with a fixed order that was always ours. Over the headline's five repeats
          // each target starts at least once.
          const order = targets.map((_, i) => targets[(i + turn) % targets.length]);
          turn += 1;
          for (const target of order) {
            const profile = flags.cpuProf && target === 'ours' && repeat === 0 && c === HEADLINE.concurrency && v === HEADLINE.viewers;
            const r = await throughputScenario({ target, concurrency: c, viewers: v, count, maxMs, warmup, profile });
            results.throughput.push({ ...r, repeat });
            log(
              `${target.padEnd(9)} c${String(c).padEnd(2)} v${String(v).padEnd(2)} ${String(r.acceptedPerSec).padStart(7)}/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  lost ${r.lostEnvelopes}  cpu ${r.server.cpuUsPerEnvelope} µs/env  rss peak ${((r.server.rssPeak ?? 0) / 1048576).toFixed(0)} MiB${r.sent !== r.accepted ? `  NOT ACCEPTED ${r.sent - r.accepted} ${JSON.stringify(r.failures)}` : ''}`,
            );
          }
        }
      }
    }
  });

  if (flags.cpuProf && results.throughput) {
    // The headline cell ran our sidecar under --cpu-prof: rank its functions (bench/profile-top.mjs prints more).
    const file = readdirSync(PROFILE_DIR)
      .filter((f) => f.startsWith('CPU.') && f.endsWith('.cpuprofile'))
      .map((f) => join(PROFILE_DIR, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (file) {
      const table = profileTable(readProfile(file));
      results.profile = {
        file: file.slice(REPO_DIR.length + 1),
        totalMs: Math.round(table.totalMs),
        self: topSelf(table, 20).map((r) => ({ name: r.name, ms: Math.round(r.selfMs) })),
        total: topTotal(table, 25, /packages\/sidecar|node_modules\/(express|router)/).map((r) => ({
          name: r.name,
          ms: Math.round(r.totalMs),
        })),
      };
      log(`our sidecar's profile: ${results.profile.file}\n${formatRows(topSelf(table, 20), table.totalMs, 'selfMs')}`);
    }
  }

  await section('memory', async () => {
    results.memory = { idle: [], load: [] };
    for (const target of targets) {
      const m = await idleMemory(target);
      results.memory.idle.push(m);
      log(`${target} idle RSS ${(m.rss / 1048576).toFixed(1)} MiB`);
    }
    for (const stalled of [false, true]) {
      for (const target of targets.filter((t) => t !== 'bare')) {
        const maxMs = target === 'published' ? p.memory.publishedMaxMs : p.memory.maxMs;
        const m = await memoryScenario({ target, count: p.memory.count, maxMs, stalled });
        results.memory.load.push(m);
        log(
          `${target} ${m.accepted} envelopes${stalled ? ' + stalled viewer' : ''}: RSS ${(m.rssIdle / 1048576).toFixed(1)} -> ${(m.rssAfter / 1048576).toFixed(1)} MiB (peak ${(m.rssPeak / 1048576).toFixed(1)})${stalled ? `, stalled viewer ${m.stalledDisconnected ? 'disconnected' : 'connected'}` : ''}, reader lost ${m.readerLost}`,
        );
      }
    }
  });

  await section('coldstart', async () => {
    // The bare server's start is the floor (Node itself plus node:http): it shows what the machine allows right now.
    results.coldStart = await coldStarts(targets, p.coldStart);
    for (const c of results.coldStart) {
      log(
        `${c.target} cold start median ${c.medianMs} ms (${c.samplesMs.join(', ')}), CPU ${c.medianCpuMs} ms${c.overFloorMs === undefined ? '' : `, ${c.overFloorMs} ms over the floor`}${c.errors.length ? ` errors: ${c.errors.join('; ')}` : ''}`,
      );
    }
  });

  await section('overlay', async () => {
    results.overlay = await overlayBench({
      count: p.overlay.count,
      embeddedRepeats: p.overlay.embeddedRepeats,
      log,
      profileDir: flags.cpuProf ? PROFILE_DIR : null,
    });
    if (results.overlay.status !== 'ok') log(`overlay skipped: ${results.overlay.reason}`);
  });

  results.seconds = Math.round((Date.now() - started) / 1000);
  const complete = !flags.quick && flags.sections.length === SECTIONS.length && flags.count === null && !flags.cpuProf;
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (complete) {
    writeFileSync(join(dir, `${results.date.slice(0, 10)}.json`), json);
    writeFileSync(join(dir, 'latest.json'), json);
    writeReadme(results);
    log(`results: bench/results/${results.date.slice(0, 10)}.json, latest.json, README.md`);
  } else {
    writeFileSync(join(dir, 'latest-partial.json'), json);
    log('results: bench/results/latest-partial.json (quick or partial run: README and latest.json untouched)');
  }

  printSummary(results);
  if (results.errors.length) {
    console.log(`\nSections that failed: ${results.errors.map((e) => `${e.section}: ${e.message}`).join('; ')}`);
    process.exitCode = 1;
  }
}

main()
  .catch((error) => {
    // A bad flag: its one-line reason; anything else: the whole stack.
    const usage = String(error?.message ?? '').startsWith('bench: unknown flag') || / takes a /.test(String(error?.message));
    console.error(usage ? error.message : (error.stack ?? String(error)));
    process.exitCode = usage ? 2 : 1;
  })
  .finally(() => killAll());
