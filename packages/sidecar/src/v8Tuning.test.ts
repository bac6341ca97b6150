import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { V8_FLAGS } from './v8Tuning.ts';

/** Runs `script` in a fresh Node after setting `flags` at run time, as the CLI sets them; returns its output. */
function runWithFlags(flags: readonly string[], script: string, nodeArgs: readonly string[] = []): string {
  const prelude = `for (const flag of ${JSON.stringify(flags)}) require('node:v8').setFlagsFromString(flag);`;
  return execFileSync(process.execPath, [...nodeArgs, '-e', prelude + script], { encoding: 'utf8', timeout: 30_000 });
}

/**
 * A load shaped like the sidecar's (objects that outlive several young collections, then die);
 * the young generation's size afterwards, in MiB.
 */
const YOUNG_GENERATION_MIB = `
  const kept = new Array(20000);
  for (let i = 0; i < 400000; i++) kept[i % kept.length] = { id: 'envelope-' + i, at: i, parts: [i, i + 1] };
  const young = require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  process.stdout.write(String(young.space_size / 1048576));
`;

/**
 * A load shaped like a fresh sidecar filling its buffer: a window of kept entries (each with a frame
 * view and its layout) that slides, while every step also makes short-lived garbage. Prints the old
 * space's largest size, in MiB.
 */
const OLD_GENERATION_PEAK_MIB = `
  const v8 = require('node:v8');
  const kept = new Array(4000);
  let peak = 0;
  for (let i = 0; i < 300000; i++) {
    kept[i % kept.length] = { id: 'envelope-' + i, at: i, layout: [i, i + 1, i + 2, i + 3], frame: new Uint8Array(64) };
    const garbage = [];
    for (let j = 0; j < 20; j++) garbage.push({ j, s: 'x' + j });
    if (i % 2000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size);
  }
  process.stdout.write(String(peak / 1048576));
`;

/** How many calls a small function takes to be optimized by TurboFan (status bit 64), compiling on the main thread. */
const CALLS_UNTIL_OPTIMIZED = `
  function hot(x) { return ((x * 31) ^ (x >>> 3)) + (x & 7) * 2 - (x | 1); }
  let calls = 0;
  for (; calls < 1e6; calls++) {
    hot(calls);
    if (calls % 100 === 0 && (%GetOptimizationStatus(hot) & 64) !== 0) break;
  }
  process.stdout.write(String(calls));
`;

/**
 * Twelve small functions called from one hot caller, whose one optimized compile prints an
 * `Inlining ... into ... hot` line per function TurboFan inlined into it (`--trace-turbo-inlining`).
 */
const INLINED_INTO_HOT = `
  const parts = Array.from({ length: 12 }, (_, k) => new Function('x',
    'let s = x | 0; for (let i = 0; i < 3; i++) { s = (s * ' + (k + 3) + ' + i) | 0; s = (s ^ (s >>> ' + ((k % 7) + 1) + ')) | 0; s = (s + ((s & 0xff) * ' + (k + 1) + ')) | 0; } return s;'));
  const [p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11] = parts;
  function hot(x) { return (p0(x) ^ p1(x) ^ p2(x) ^ p3(x) ^ p4(x) ^ p5(x) ^ p6(x) ^ p7(x) ^ p8(x) ^ p9(x) ^ p10(x) ^ p11(x)) | 0; }
  let acc = 0;
  for (let i = 0; i < 100000; i++) acc = (acc + hot(i)) | 0;
`;

function inlinedIntoHot(flags: readonly string[]): number {
  const trace = runWithFlags(flags, INLINED_INTO_HOT, ['--trace-turbo-inlining', '--no-use-osr', '--no-concurrent-recompilation']);
  return trace.split('\n').filter((line) => /^Inlining .* into .*SharedFunctionInfo hot>/.test(line)).length;
}

describe('V8_FLAGS', () => {
  it('keep the young generation from growing under retention when set at run time', () => {
    const untuned = Number(runWithFlags([], YOUNG_GENERATION_MIB));
    const tuned = Number(runWithFlags(V8_FLAGS, YOUNG_GENERATION_MIB));
    expect(untuned).toBeGreaterThanOrEqual(16);
    expect(tuned).toBeLessThanOrEqual(4);
  });

  it('collect the old generation early under retention, without memory-reducing full collections', () => {
    // Growth factor alone: V8 lets the old generation grow to several times what is live before collecting.
    const youngOnly = Number(runWithFlags(['--semi-space-growth-factor=1'], OLD_GENERATION_PEAK_MIB));
    expect(youngOnly).toBeGreaterThanOrEqual(20);
    expect(Number(runWithFlags(V8_FLAGS, OLD_GENERATION_PEAK_MIB))).toBeLessThanOrEqual(18);
    // A memory-reducing collection compacts the whole heap each time: --optimize-for-size made every one so.
    const trace = runWithFlags(V8_FLAGS, OLD_GENERATION_PEAK_MIB, ['--trace-gc']);
    expect(trace).toMatch(/Mark-Compact/);
    expect(trace).not.toMatch(/Mark-Compact \(reduce\)/);
  });

  it('have hot functions optimized after a fraction of the calls when set at run time', () => {
    const nodeArgs = ['--allow-natives-syntax', '--no-concurrent-recompilation'];
    const untuned = Number(runWithFlags([], CALLS_UNTIL_OPTIMIZED, nodeArgs));
    const tuned = Number(runWithFlags(V8_FLAGS, CALLS_UNTIL_OPTIMIZED, nodeArgs));
    expect(untuned).toBeLessThan(1e6);
    expect(tuned).toBeLessThanOrEqual(untuned / 3);
  });

  it('halve what TurboFan inlines into a function when set at run time', () => {
    const untuned = inlinedIntoHot([]);
    const tuned = inlinedIntoHot(V8_FLAGS);
    expect(untuned).toBe(12);
    expect(tuned).toBeGreaterThan(0);
    expect(tuned).toBeLessThanOrEqual(untuned / 2);
  });
});
