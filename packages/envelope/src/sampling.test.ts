import { describe, expect, it } from 'vitest';
import { parseSampleRate, TRACE_ITEM_TYPES, traceSampleRand } from './sampling.ts';

describe('traceSampleRand', () => {
  it("uses the SDK's sample_rand when the context carries one", () => {
    expect(traceSampleRand('0123456789abcdef0123456789abcdef', '0.25')).toBe(0.25);
    expect(traceSampleRand('0123456789abcdef0123456789abcdef', 0.5)).toBe(0.5);
  });

  it('derives the same number from the same trace id, spread over [0, 1)', () => {
    const id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(traceSampleRand(id)).toBe(0xa4b5c6d7e8f90 / 16 ** 13);
    expect(traceSampleRand(id.toUpperCase())).toBe(traceSampleRand(id));
    expect(traceSampleRand('00000000000000000000000000000000')).toBe(0);
    const max = traceSampleRand('ffffffffffffffffffffffffffffffff') ?? 1;
    expect(max).toBeLessThan(1);
    expect(max).toBeGreaterThan(0.999);
  });

  it('ignores a sample_rand out of range and ids that are not 32 hex digits', () => {
    expect(traceSampleRand('0123456789abcdef0123456789abcdef', '1.5')).toBe(0x3456789abcdef / 16 ** 13);
    expect(traceSampleRand('not-a-trace-id', 'x')).toBeUndefined();
    expect(traceSampleRand(undefined)).toBeUndefined();
  });
});

describe('parseSampleRate', () => {
  it('accepts what the SDKs accept', () => {
    expect(parseSampleRate(0.1)).toBe(0.1);
    expect(parseSampleRate('0.1')).toBe(0.1);
    expect(parseSampleRate(true)).toBe(1);
    expect(parseSampleRate(false)).toBe(0);
    expect(parseSampleRate(1.5)).toBeUndefined();
    expect(parseSampleRate('')).toBeUndefined();
    expect(parseSampleRate(undefined)).toBeUndefined();
  });

  it('lists the item types that follow the trace decision', () => {
    expect([...TRACE_ITEM_TYPES].sort()).toEqual(['profile', 'span', 'transaction']);
  });
});
