import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatOffset, formatTimeAgo } from './format.ts';

describe('format', () => {
  it('says how long ago', () => {
    const now = 1_000_000_000;
    expect(formatTimeAgo(now - 2_000, now)).toBe('just now');
    expect(formatTimeAgo(now - 12_000, now)).toBe('12s ago');
    expect(formatTimeAgo(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatTimeAgo(now - 3 * 3_600_000, now)).toBe('3h ago');
    expect(formatTimeAgo(now - 3 * 86_400_000, now)).toBe('3d ago');
  });

  it('formats offsets, counts and sizes', () => {
    expect(formatOffset(-320)).toBe('-320ms');
    expect(formatOffset(1250)).toBe('+1.25s');
    expect(formatOffset(-125_000)).toBe('-2m05s');
    expect(formatCount(40)).toBe('40');
    expect(formatCount(2500)).toBe('2500');
    expect(formatCount(10_000)).toBe('10k');
    expect(formatCount(1_500_000)).toBe('1.5M');
    expect(formatBytes(51)).toBe('51 B');
    expect(formatBytes(30_100)).toBe('29.4 KB');
  });
});
