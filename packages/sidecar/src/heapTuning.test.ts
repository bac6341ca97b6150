import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_FLAGS } from './heapTuning.ts';

/**
 * Runs, in a fresh Node, a load shaped like the sidecar's (objects that outlive several young
 * collections, then die), with or without the flags set at run time as the CLI sets them, and
 * returns the young generation's size in MiB.
 */
function youngGenerationMiB(flags: readonly string[]): number {
  const script = `
    const v8 = require('node:v8');
    for (const flag of ${JSON.stringify(flags)}) v8.setFlagsFromString(flag);
    const kept = new Array(20000);
    for (let i = 0; i < 400000; i++) kept[i % kept.length] = { id: 'envelope-' + i, at: i, parts: [i, i + 1] };
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    process.stdout.write(String(young.space_size / 1048576));
  `;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }));
}

describe('HEAP_FLAGS', () => {
  it('keep the young generation from growing under retention when set at run time', () => {
    const untuned = youngGenerationMiB([]);
    const tuned = youngGenerationMiB(HEAP_FLAGS);
    expect(untuned).toBeGreaterThanOrEqual(16);
    expect(tuned).toBeLessThanOrEqual(4);
  });
});
