import { describe, expect, it } from 'vitest';
import { formatKiB, formatMiB, formatMs, formatNumber, formatRatio, latencySummary, median, percentile, ratio, round } from './stats.mjs';

const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

describe('percentile (nearest rank)', () => {
  it('picks the ranked sample, whatever the input order', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([7, 3, 5], 99)).toBe(7);
  });

  it('sorts numerically, not as strings', () => {
    expect(percentile([10, 9, 100, 2], 75)).toBe(10);
  });

  it('gives null for no samples and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow('percentile: p must be within 0..100, got 101');
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median and latency summary', () => {
  it('averages the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([])).toBeNull();
  });

  it('summarizes latencies to 0.01 ms', () => {
    expect(latencySummary([...oneToHundred.map((x) => x + 0.123)])).toEqual({
      count: 100,
      p50: 50.12,
      p90: 90.12,
      p99: 99.12,
      max: 100.12,
    });
    expect(latencySummary([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null });
  });
});

describe('ratios and formats', () => {
  it('divides only real numbers', () => {
    expect(ratio(2500, 500)).toBe(5);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 3)).toBeNull();
    expect(round(Number.NaN)).toBeNull();
  });

  it('formats what the README shows', () => {
    expect(formatNumber(1234567.8)).toBe('1,234,568');
    expect(formatNumber(12.345, 1)).toBe('12.3');
    expect(formatNumber(null)).toBe('–');
    expect(formatMiB(60 * 1024 * 1024)).toBe('60.0 MiB');
    expect(formatKiB(153_600)).toBe('150.0 KiB');
    expect(formatRatio(5.234)).toBe('5.23×');
    expect(formatRatio(null)).toBe('–');
    expect(formatMs(3.14659)).toBe('3.15 ms');
    expect(formatMs(182.32)).toBe('182 ms');
  });
});
