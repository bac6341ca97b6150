// Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions by self time, and by inclusive ("total") time for
// the functions of a chosen file pattern. Pure apart from the file read; unit-tested on a small profile.
import { readFileSync } from 'node:fs';

/** Self and total time (ms) per function (name + url + line), from a parsed profile. */
export function profileTable(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Each sample stands for the time until the next one (the last one: until the profile's end), as DevTools counts.
  const selfMicros = new Map();
  const { samples = [], timeDeltas = [], startTime = 0, endTime } = profile;
  const stamps = [];
  let t = startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    stamps.push(t);
  }
  for (let i = 0; i < samples.length; i++) {
    const until = i + 1 < samples.length ? stamps[i + 1] : (endTime ?? stamps[i]);
    selfMicros.set(samples[i], (selfMicros.get(samples[i]) ?? 0) + Math.max(0, until - stamps[i]));
  }

  const key = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const rows = new Map();
  const row = (k) => {
    let r = rows.get(k);
    if (!r) {
      r = { name: k, selfMs: 0, totalMs: 0 };
      rows.set(k, r);
    }
    return r;
  };
  let totalMicros = 0;
  for (const [id, micros] of selfMicros) {
    totalMicros += micros;
    const node = nodes.get(id);
    if (!node) continue;
    row(key(node)).selfMs += micros / 1000;
    // Inclusive time: each distinct function on the stack once.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = key(nodes.get(at));
      if (seen.has(k)) continue;
      seen.add(k);
      row(k).totalMs += micros / 1000;
    }
  }
  return { totalMs: totalMicros / 1000, rows: [...rows.values()] };
}

function shortUrl(url) {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/');
}

export function topSelf(table, n = 25) {
  return [...table.rows].sort((a, b) => b.selfMs - a.selfMs).slice(0, n);
}

export function topTotal(table, n = 25, pattern) {
  return [...table.rows]
    .filter((r) => !pattern || pattern.test(r.name))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, n);
}

export function formatRows(rows, totalMs, column) {
  return rows
    .map((r) => `${r[column].toFixed(1).padStart(9)} ms ${((r[column] / totalMs) * 100).toFixed(1).padStart(5)}%  ${r.name}`)
    .join('\n');
}

export function readProfile(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
