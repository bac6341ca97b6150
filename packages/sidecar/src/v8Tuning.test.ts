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

describe('V8_FLAGS', () => {
  it('keep the young generation from growing under retention when set at run time', () => {
    const untuned = Number(runWithFlags([], YOUNG_GENERATION_MIB));
    const tuned = Number(runWithFlags(V8_FLAGS, YOUNG_GENERATION_MIB));
    expect(untuned).toBeGreaterThanOrEqual(16);
    expect(tuned).toBeLessThanOrEqual(4);
  });

  it('have hot functions optimized after a fraction of the calls when set at run time', () => {
    const nodeArgs = ['--allow-natives-syntax', '--no-concurrent-recompilation'];
    const untuned = Number(runWithFlags([], CALLS_UNTIL_OPTIMIZED, nodeArgs));
    const tuned = Number(runWithFlags(V8_FLAGS, CALLS_UNTIL_OPTIMIZED, nodeArgs));
    expect(untuned).toBeLessThan(1e6);
    expect(tuned).toBeLessThanOrEqual(untuned / 3);
  });
});
