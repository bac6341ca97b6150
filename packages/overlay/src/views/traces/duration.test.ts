import { describe, expect, it } from 'vitest';
import { formatDuration, timelineTicks } from './duration.ts';

describe('formatDuration', () => {
  it('picks a unit a developer reads at a glance', () => {
    expect([0, 0.4234, 4.6, 19.466, 245.4, 1240, 65_000, -1, Number.NaN].map(formatDuration)).toEqual([
      '0ms',
      '0.42ms',
      '4.6ms',
      '19ms',
      '245ms',
      '1.24s',
      '1m 05s',
      '–',
      '–',
    ]);
  });

  it('labels a timeline', () => {
    expect(timelineTicks(200).map((t) => `${t.at}:${t.label}`)).toEqual(['0:0ms', '0.25:50ms', '0.5:100ms', '0.75:150ms', '1:200ms']);
  });
});
