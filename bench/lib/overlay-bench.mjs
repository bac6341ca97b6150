// The overlay section: the bundle's gzip size; in Chromium, the same 10,000 mixed envelopes replayed by our sidecar
// into an app's page that embeds the overlay (panel closed, then open: the longest main-thread task of each first
// load); then the standalone debugger (served by our sidecar at `/`) fed them through its SSE client: time until
// the errors and traces lists are rendered, the longest main-thread task while scrolling each list (from a CDP
// performance trace, confirmed by the longtask observer), and the JS heap. Written against the contract: host
// #sentry-spotlight-root with an open shadow root, rows data-testid issue-row / trace-row, spotlight-badge.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { errorEnvelope, hex, overlayEnvelopes, queryEnvelopes } from './envelopes.mjs';
import { OURS_CLI, REPO_DIR, startTarget } from './processes.mjs';
import { median, round } from './stats.mjs';

export const OVERLAY_DIST = join(REPO_DIR, 'packages', 'overlay', 'dist');
const BUNDLE = join(OVERLAY_DIST, 'sentry-spotlight.js');
const PAGE_BUNDLE = join(OVERLAY_DIST, 'assets', 'main.js');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Gzip (level 9) sizes of the ESM bundle and of the full page's script, each with the chunks it imports
 * (statically, or when the panel first opens); null where not built.
 */
export function bundleSizes() {
  // The files an entry imports: statically (loaded with it), or also dynamically (the panel, when it opens).
  const files = (entry, dynamic) => {
    const found = new Set([entry]);
    const pattern = dynamic ? /(?:from|import\()\s*["`](\.\/[^"`]+\.js)["`]/g : /from\s*["`](\.\/[^"`]+\.js)["`]/g;
    for (const file of found) for (const [, name] of readFileSync(file, 'utf8').matchAll(pattern)) found.add(join(dirname(file), name));
    return [...found];
  };
  const gzip = (list) => list.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  const size = (entry) => {
    if (!existsSync(entry)) return null;
    const all = files(entry, true);
    return {
      file: entry.slice(REPO_DIR.length + 1),
      chunks: all.length,
      bytes: all.reduce((sum, file) => sum + readFileSync(file).length, 0),
      gzipBytes: gzip(all),
      // What a page loads before the overlay first opens.
      atLoadGzipBytes: gzip(files(entry, false)),
    };
  };
  return { esm: size(BUNDLE), page: size(PAGE_BUNDLE) };
}

export function overlaySkipReason() {
  if (!existsSync(join(OVERLAY_DIST, 'index.html')) || !existsSync(BUNDLE))
    return `the overlay is not built yet (${OVERLAY_DIST.slice(REPO_DIR.length + 1)}/index.html and sentry-spotlight.js missing)`;
  if (!existsSync(OURS_CLI)) return `our sidecar is not built yet (${OURS_CLI.slice(REPO_DIR.length + 1)} missing)`;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  return null;
}

export function postAll(port, bodies, concurrency = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let accepted = 0;
  const one = (body) =>
    new Promise((resolve) => {
      const req = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/stream',
          headers: { 'Content-Type': 'application/x-sentry-envelope', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      if ((await one(body)) === 200) accepted++;
    }
  };
  return Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
    agent.destroy();
    return accepted;
  });
}

/**
 * Runs in the page before its scripts: notes when the sentinel envelope's bytes pass through the overlay's stream
 * reader (a streaming fetch of /stream, or an EventSource), and records long tasks and animation-frame gaps.
 */
export function __instrumentPage(sentinel) {
  const bench = { sentinelAt: null, streamBytes: 0, longTasks: [], frames: null };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask support: the CDP trace still measures tasks
  }
  const seen = (text) => {
    if (bench.sentinelAt === null && text.includes(sentinel)) bench.sentinelAt = performance.now();
  };
  const originalFetch = window.fetch;
  window.fetch = async function benchFetch(input, init) {
    const response = await originalFetch.call(this, input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/stream(\?|$)/.test(new URL(url, location.href).pathname) || !response.body) return response;
    // The sentinel is the replay's last envelope, so it sits near the end of the chunk that brings it: only a
    // chunk's seam with the previous one and its last 16 KiB are decoded and searched (the full 80 MB stream
    // decoded and searched would cost the page a second of its own). The sentinel is ASCII: bytes = characters.
    const decoder = new TextDecoder();
    const WINDOW = 16 * 1024;
    let tail = '';
    const body = response.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          bench.streamBytes += chunk.byteLength;
          if (bench.sentinelAt === null) {
            seen(tail + decoder.decode(chunk.subarray(0, sentinel.length)));
            const last = decoder.decode(chunk.subarray(Math.max(0, chunk.byteLength - WINDOW)));
            seen(last);
            tail = (tail + last).slice(-sentinel.length);
          }
          controller.enqueue(chunk);
        },
      }),
    );
    Object.defineProperty(response, 'body', { value: body });
    return response;
  };
  if (window.EventSource) {
    const Original = window.EventSource;
    window.EventSource = class BenchEventSource extends Original {
      constructor(...args) {
        super(...args);
        const listener = (event) => {
          bench.streamBytes += event.data.length;
          seen(event.data);
        };
        this.addEventListener('message', listener);
        this.addEventListener('application/x-sentry-envelope', listener);
      }
    };
  }
  // Animation-frame gaps, sampled only while a scroll is measured.
  bench.startFrames = () => {
    const gaps = [];
    let last = performance.now();
    let running = true;
    const tick = (now) => {
      gaps.push(now - last);
      last = now;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    bench.frames = {
      stop: () => {
        running = false;
        return gaps;
      },
    };
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench: ${what} took over ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * The renderer processes that show a page: those whose events name a URL under `origin` (its HTML parsed, its
 * scripts run). Chromium's own pages (new tab, the omnibox popup of a headless browser) run in others.
 */
function rendererPidsOf(events, origin) {
  const pids = new Set();
  for (const e of events) {
    const data = e.args?.data ?? e.args?.beginData;
    const url = data?.url ?? data?.frames?.[0]?.url;
    if (typeof url === 'string' && url.startsWith(origin)) pids.add(e.pid);
  }
  return pids;
}

/** Long tasks on the renderer's main thread (CDP trace events), in ms; with `pids`, of those processes only. */
function tasksFromTrace(events, pids) {
  const mainThreads = new Set();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && (pids === undefined || pids.has(e.pid)))
      mainThreads.add(`${e.pid}:${e.tid}`);
  return events
    .filter(
      (e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && mainThreads.has(`${e.pid}:${e.tid}`),
    )
    .map((e) => ({
      ts: e.ts,
      pid: e.pid,
      tid: e.tid,
      durMs: (e.dur ?? 0) / 1000,
      threadMs: typeof e.tdur === 'number' ? e.tdur / 1000 : null,
    }));
}

async function traced(cdp, fn) {
  const events = [];
  const onData = ({ value }) => events.push(...value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'] },
  });
  let result;
  try {
    result = await fn();
  } finally {
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await withTimeout(done, 30_000, 'CDP Tracing.tracingComplete');
    cdp.off('Tracing.dataCollected', onData);
  }
  const tasks = tasksFromTrace(events);
  const longest = tasks.reduce((max, t) => Math.max(max, t.durMs), 0);
  const withThreadTime = tasks.filter((t) => t.threadMs !== null);
  const longestThread = withThreadTime.length ? withThreadTime.reduce((max, t) => Math.max(max, t.threadMs), 0) : null;
  return {
    result,
    // Wall time: what a user waits, including time the renderer was preempted by other processes on a busy machine.
    longestTaskMs: round(longest, 1),
    // The main thread's own CPU time in that task: the overlay's work alone (what the target judges).
    longestTaskThreadMs: round(longestThread, 1),
    tasksOver50: tasks.filter((t) => t.durMs > 50).length,
    tasksOver50Thread: withThreadTime.filter((t) => t.threadMs > 50).length,
    tasks: tasks.length,
  };
}

/** Scroll the virtualized list holding `rowSelector` from top to bottom with the wheel, then jump back to the top. */
async function scrollList(page, rowSelector, steps) {
  const row = page.locator(rowSelector).first();
  const box = await row.boundingBox();
  if (!box) throw new Error(`bench: no ${rowSelector} on screen to scroll`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const scrollTop = () =>
    page.evaluate((sel) => {
      const host = document.getElementById('sentry-spotlight-root');
      let el = (host?.shadowRoot ?? document).querySelector(sel);
      while (el && !(el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY))) {
        el = el.parentElement ?? (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);
      }
      return el ? { top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight } : null;
    }, rowSelector);
  const start = await scrollTop();
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, 800);
    await sleep(16);
  }
  const end = await scrollTop();
  // A jump to the end and back: what dragging the scrollbar does.
  await page.evaluate((sel) => {
    const host = document.getElementById('sentry-spotlight-root');
    let el = (host?.shadowRoot ?? document).querySelector(sel);
    while (el && !(el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
    if (el) {
      el.scrollTop = el.scrollHeight;
      return new Promise((r) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            el.scrollTop = 0;
            requestAnimationFrame(() => requestAnimationFrame(r));
          }),
        ),
      );
    }
    return null;
  }, rowSelector);
  return { start, end, scrolledPx: start && end ? end.top - start.top : null };
}

async function scrollMeasured(page, cdp, rowSelector, steps) {
  const before = await page.evaluate(() => {
    window.__bench.startFrames();
    return { now: performance.now(), longTasks: window.__bench.longTasks.length };
  });
  const { result, longestTaskMs, longestTaskThreadMs, tasksOver50, tasksOver50Thread, tasks } = await traced(cdp, () =>
    scrollList(page, rowSelector, steps),
  );
  const after = await page.evaluate((from) => {
    const gaps = window.__bench.frames.stop();
    const longTasks = window.__bench.longTasks.slice(from);
    return { gaps, longTasks };
  }, before.longTasks);
  return {
    longestTaskMs,
    longestTaskThreadMs,
    tasksOver50,
    tasksOver50Thread,
    tasksTraced: tasks,
    longTaskObserverMaxMs: after.longTasks.length ? round(Math.max(...after.longTasks.map((t) => t.duration)), 1) : 0,
    maxFrameGapMs: after.gaps.length ? round(Math.max(...after.gaps), 1) : null,
    frames: after.gaps.length,
    scroll: result,
  };
}

/**
 * The longest tasks of a trace, for the README's diagnosis: start (ms after the first task), wall and CPU time, and
 * what ran in it (the largest timeline events inside it: script evaluation, a timer, a frame callback...).
 */
function topTasks(tasks, events, n = 5) {
  const origin = tasks.reduce((min, t) => Math.min(min, t.ts), Number.POSITIVE_INFINITY);
  const inside = (task) =>
    events
      .filter(
        (e) =>
          e.ph === 'X' &&
          e.pid === task.pid &&
          e.tid === task.tid &&
          e.ts >= task.ts &&
          e.ts + (e.dur ?? 0) <= task.ts + task.durMs * 1000 &&
          !/RunTask/.test(e.name) &&
          (e.dur ?? 0) >= 5000,
      )
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 4)
      .map((e) => {
        const data = e.args?.data ?? e.args?.beginData ?? {};
        const what = data.functionName || data.type || (data.url ? data.url.replace(/^.*\//, '') : '');
        return `${e.name}${what ? ` ${what}` : ''} ${round((e.dur ?? 0) / 1000, 0)} ms`;
      });
  return [...tasks]
    .sort((a, b) => (b.threadMs ?? b.durMs) - (a.threadMs ?? a.durMs))
    .slice(0, n)
    .map((t) => ({ atMs: round((t.ts - origin) / 1000, 0), wallMs: round(t.durMs, 1), cpuMs: round(t.threadMs, 1), ran: inside(t) }));
}

/**
 * An app's own page (another origin, as a Vite dev server is) that embeds the overlay the way the Vite plugin and the
 * Express helpers do: `window.__spotlight.initOptions`, then the sidecar's `/assets/main.js` as a module.
 */
function startHostPage(sidecarPort, { open }) {
  const initOptions = { sidecarUrl: `http://127.0.0.1:${sidecarPort}`, ...(open ? { openOnInit: true } : {}) };
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>An app</title></head><body>
<h1>An app that embeds Spotlight</h1><p>Its own content.</p>
<script>window.__spotlight = { initOptions: ${JSON.stringify(initOptions)} };</script>
<script type="module" src="http://127.0.0.1:${sidecarPort}/assets/main.js"></script>
</body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * The sidecar's buffer replayed into an app's page that embeds the overlay, on a first load (fresh browser
 * profile: no code cache), with the panel closed (the trigger and its badge) or open. The whole load is traced:
 * from navigation until the last envelope was read and the overlay shows it, then one more second for the
 * paced renders that follow. The longest main-thread task is the figure the target (50 ms) judges.
 */
export async function embeddedReplay({ chromium, sidecarPort, sentinel, open, log, profileDir = null }) {
  const host = await startHostPage(sidecarPort, { open });
  const userDataDir = mkdtempSync(join(tmpdir(), 'spotlight-bench-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(__instrumentPage, sentinel);
    const cdp = await context.newCDPSession(page);
    const events = [];
    const onData = ({ value }) => events.push(...value);
    cdp.on('Tracing.dataCollected', onData);
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'] },
    });
    if (profileDir) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    let shown;
    try {
      log(`overlay: embedded replay, panel ${open ? 'open' : 'closed'}`);
      await page.goto(`http://127.0.0.1:${host.address().port}/`, { waitUntil: 'commit' });
      await page.waitForFunction(() => typeof window.__bench?.sentinelAt === 'number', null, { timeout: 120_000, polling: 50 });
      // What the overlay shows once it has it all: the sentinel's issue in the open panel, the badge when closed.
      shown = await page.waitForFunction(
        ([text, panelOpen]) => {
          const root = document.getElementById('sentry-spotlight-root')?.shadowRoot;
          if (!root) return false;
          if (panelOpen) return (root.textContent ?? '').includes(text) ? performance.now() : false;
          const badge = root.querySelector('[data-testid="spotlight-badge"]');
          return badge ? performance.now() : false;
        },
        [sentinel, open],
        { timeout: 60_000, polling: 50 },
      );
      shown = await shown.jsonValue();
      await sleep(1000);
      if (profileDir) {
        const { profile } = await withTimeout(cdp.send('Profiler.stop'), 30_000, 'CDP Profiler.stop');
        mkdirSync(profileDir, { recursive: true });
        writeFileSync(join(profileDir, `overlay-embedded-${open ? 'open' : 'closed'}.cpuprofile`), JSON.stringify(profile));
      }
    } finally {
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await withTimeout(done, 60_000, 'CDP Tracing.tracingComplete');
      cdp.off('Tracing.dataCollected', onData);
    }
    const state = await page.evaluate(() => {
      const root = document.getElementById('sentry-spotlight-root')?.shadowRoot;
      return {
        sentinelAt: window.__bench.sentinelAt,
        streamBytes: window.__bench.streamBytes,
        badge: root?.querySelector('[data-testid="spotlight-badge"]')?.getAttribute('data-count') ?? null,
        heapBytes: performance.memory?.usedJSHeapSize ?? null,
        issueRows: root ? root.querySelectorAll('[data-testid="issue-row"]').length : 0,
      };
    });
    const tasks = tasksFromTrace(events, rendererPidsOf(events, `http://127.0.0.1:${host.address().port}/`));
    const withThread = tasks.filter((t) => t.threadMs !== null);
    const cpu = (t) => t.threadMs ?? t.durMs;
    return {
      panel: open ? 'open' : 'closed',
      sentinelReceivedMs: round(state.sentinelAt, 1),
      shownMs: round(shown, 1),
      streamBytes: state.streamBytes,
      badge: state.badge === null ? null : Number(state.badge),
      heapBytes: state.heapBytes,
      issueRows: state.issueRows,
      tasks: tasks.length,
      longestTaskMs: round(
        tasks.reduce((max, t) => Math.max(max, t.durMs), 0),
        1,
      ),
      longestTaskThreadMs: withThread.length ? round(Math.max(...withThread.map((t) => t.threadMs)), 1) : null,
      tasksOver50: tasks.filter((t) => t.durMs > 50).length,
      tasksOver50Thread: withThread.filter((t) => t.threadMs > 50).length,
      over50ThreadSumMs: round(
        withThread.filter((t) => t.threadMs > 50).reduce((sum, t) => sum + cpu(t), 0),
        0,
      ),
      top: topTasks(tasks, events),
      pageErrors: pageErrors.slice(0, 5),
    };
  } finally {
    await context?.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
    await new Promise((resolve) => host.close(resolve));
  }
}

/**
 * The loads of one embedded scenario (each a first load, fresh profile) as one row: the median of their
 * longest tasks is the figure judged (a shared 2-core host moves single loads by tens of ms), every load's
 * is shown beside it.
 */
export function embeddedSummary(runs) {
  const values = (f) => runs.map(f).filter((v) => typeof v === 'number');
  const med = (f) => (values(f).length ? round(median(values(f)), 1) : null);
  return {
    panel: runs[0]?.panel,
    loads: runs.length,
    longestTaskThreadMs: med((r) => r.longestTaskThreadMs),
    longestTaskMs: med((r) => r.longestTaskMs),
    tasksOver50Thread: med((r) => r.tasksOver50Thread),
    tasksOver50: med((r) => r.tasksOver50),
    sentinelReceivedMs: med((r) => r.sentinelReceivedMs),
    shownMs: med((r) => r.shownMs),
    badge: runs[0]?.badge ?? null,
    heapBytes: med((r) => r.heapBytes),
    runs,
  };
}

/** Click the overlay's way to the traces list: a tab, link or button named "Traces". */
async function openTraces(page) {
  const candidates = [
    page.locator('[data-testid="nav-traces"]'),
    page.getByRole('tab', { name: /traces/i }),
    page.getByRole('link', { name: /traces/i }),
    page.getByRole('button', { name: /traces/i }),
  ];
  for (const candidate of candidates) {
    if ((await candidate.count()) > 0) {
      await candidate.first().click();
      return true;
    }
  }
  return false;
}

/**
 * 10,000 database spans (2,000 statements, N+1 loops) arrive in the open debugger, then the insights queries
 * view opens (traced: its longest task is the grouping and first render) and its list is scrolled.
 */
async function queriesScenario(page, cdp, port, steps) {
  const spans = 10_000;
  await postAll(port, queryEnvelopes(spans));
  // Wait until the traces tab counts them (the store has them) before opening the view.
  await page.waitForFunction(
    () => {
      const root = document.getElementById('sentry-spotlight-root')?.shadowRoot;
      return root?.querySelector('[data-testid="tab-insights"]') !== null;
    },
    null,
    { timeout: 30_000 },
  );
  await sleep(1500);
  const open = await traced(cdp, async () => {
    await page.evaluate(() => {
      window.location.hash = '#/insights/queries';
    });
    await page.locator('[data-testid="query-row"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  });
  const rows = await page.locator('[data-testid="query-row"]').count();
  const flagged = await page.locator('[data-testid="query-n-plus-one"]').count();
  const scroll = await scrollMeasured(page, cdp, '[data-testid="query-row"]', steps);
  return {
    status: 'ok',
    spans,
    open: { longestTaskMs: open.longestTaskMs, longestTaskThreadMs: open.longestTaskThreadMs, tasksOver50: open.tasksOver50 },
    rowsInDom: rows,
    flaggedRowsInDom: flagged,
    scroll,
  };
}

async function heapUsed(cdp) {
  await withTimeout(cdp.send('HeapProfiler.collectGarbage'), 30_000, 'CDP HeapProfiler.collectGarbage');
  const { usedSize, totalSize } = await withTimeout(cdp.send('Runtime.getHeapUsage'), 10_000, 'CDP Runtime.getHeapUsage');
  return { usedBytes: usedSize, totalBytes: totalSize };
}

/**
 * `profileDir`: also record a CPU profile of the page while it reads and renders the replay
 * (overlay-load.cpuprofile, for bench/profile-top.mjs).
 */
export async function overlayBench({ count, scrollSteps = 40, embeddedRepeats = 1, log = () => {}, profileDir = null }) {
  const bundle = bundleSizes();
  const skip = overlaySkipReason();
  if (skip) return { status: 'skipped', reason: skip, bundle };

  const { chromium } = await import('playwright-core');
  // 10,000 mixed envelopes are more than the default buffer's 16 MiB: hold them all, the page must see every one.
  const server = await startTarget('ours', { extraArgs: ['--max-buffer-bytes', '256MiB'] });
  const userDataDir = mkdtempSync(join(tmpdir(), 'spotlight-bench-chromium-'));
  let context;
  try {
    const sentinel = `bench sentinel ${hex(12)}`;
    const bodies = overlayEnvelopes(count - 1);
    log(`overlay: posting ${count} envelopes to our sidecar`);
    // The sentinel goes alone, after every other one is stored: posted among them it could overtake up to
    // `concurrency` - 1 of them, and the page only searches the last 16 KiB of each chunk for it.
    const sentinelBody = errorEnvelope({ eventId: hex(32), traceId: hex(32), message: sentinel, fn: 'benchSentinel' });
    const accepted = (await postAll(server.port, bodies)) + (await postAll(server.port, [sentinelBody], 1));

    // The replay into an app's page that embeds the overlay, panel closed then open (issue 17): first, while the
    // sidecar holds these envelopes only (the queries scenario below adds more).
    const embedded = [];
    for (const open of [false, true]) {
      const runs = [];
      for (let run = 0; run < embeddedRepeats; run++)
        runs.push(await embeddedReplay({ chromium, sidecarPort: server.port, sentinel, open, log, profileDir }));
      embedded.push(embeddedSummary(runs));
    }

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(__instrumentPage, sentinel);
    const cdp = await context.newCDPSession(page);

    log('overlay: loading the debugger page');
    if (profileDir) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.goto(`http://127.0.0.1:${server.port}/`, { waitUntil: 'commit' });
    await page.waitForFunction(() => typeof window.__bench?.sentinelAt === 'number', null, { timeout: 120_000, polling: 50 });
    log('overlay: the last envelope reached the SSE client; waiting for the errors list to show it');
    await page.locator('[data-testid="issue-row"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    // The store publishes a replay in steps: the list shows the last envelope once the steps caught up.
    await page.waitForFunction(
      (text) => (document.getElementById('sentry-spotlight-root')?.shadowRoot?.textContent ?? '').includes(text),
      sentinel,
      { timeout: 60_000, polling: 50 },
    );
    const errorsRendered = await withTimeout(
      page.evaluate(
        (text) =>
          new Promise((resolve) =>
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                const root = document.getElementById('sentry-spotlight-root')?.shadowRoot;
                resolve({
                  at: performance.now(),
                  sentinelAt: window.__bench.sentinelAt,
                  streamBytes: window.__bench.streamBytes,
                  rows: root ? root.querySelectorAll('[data-testid="issue-row"]').length : 0,
                  sentinelVisible: root ? (root.textContent ?? '').includes(text) : false,
                  loadLongTasks: window.__bench.longTasks.map((t) => Math.round(t.duration * 10) / 10),
                });
              }),
            ),
          ),
        sentinel,
      ),
      30_000,
      'two animation frames',
    );
    log('overlay: errors list rendered; measuring the heap');
    let loadProfile = null;
    if (profileDir) {
      const { profile } = await withTimeout(cdp.send('Profiler.stop'), 30_000, 'CDP Profiler.stop');
      mkdirSync(profileDir, { recursive: true });
      loadProfile = join(profileDir, 'overlay-load.cpuprofile');
      writeFileSync(loadProfile, JSON.stringify(profile));
    }
    const heapAfterLoad = await heapUsed(cdp);

    log('overlay: scrolling the errors list');
    const errorsScroll = await scrollMeasured(page, cdp, '[data-testid="issue-row"]', scrollSteps);

    log('overlay: opening and scrolling the traces list');
    let traces = { status: 'skipped', reason: 'no Traces tab, link or button found' };
    if (await openTraces(page)) {
      const clickedAt = await page.evaluate(() => performance.now());
      await page.locator('[data-testid="trace-row"]').first().waitFor({ state: 'visible', timeout: 30_000 });
      const shownAt = await page.evaluate(
        () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))),
      );
      const rows = await page.locator('[data-testid="trace-row"]').count();
      const scroll = await scrollMeasured(page, cdp, '[data-testid="trace-row"]', scrollSteps);
      traces = { status: 'ok', renderAfterClickMs: round(shownAt - clickedAt, 1), rowsInDom: rows, scroll };
    }
    const heapEnd = await heapUsed(cdp);

    log('overlay: 10,000 database spans more; opening and scrolling the insights queries view');
    const queries = await queriesScenario(page, cdp, server.port, scrollSteps);

    return {
      status: 'ok',
      envelopes: count,
      accepted,
      bundle,
      errors: {
        sentinelReceivedMs: round(errorsRendered.sentinelAt, 1),
        renderedMs: round(errorsRendered.at, 1),
        rowsInDom: errorsRendered.rows,
        sentinelVisible: errorsRendered.sentinelVisible,
        streamBytes: errorsRendered.streamBytes,
        longTasksDuringLoadMs: errorsRendered.loadLongTasks,
        scroll: errorsScroll,
      },
      traces,
      queries,
      embedded,
      heap: { afterLoad: heapAfterLoad, end: heapEnd },
      pageErrors: pageErrors.slice(0, 5),
      loadProfile: loadProfile ? loadProfile.slice(REPO_DIR.length + 1) : null,
    };
  } finally {
    await context?.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
    await server.stop();
  }
}
