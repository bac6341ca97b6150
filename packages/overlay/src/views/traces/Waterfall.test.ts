import { describe, expect, it } from 'vitest';
import { labelPlacement } from './Waterfall.tsx';

describe('duration label placement', () => {
  const range = { start: 1000, end: 1100 };
  it('puts the label after a bar that leaves room, before a late bar, inside a bar spanning the row', () => {
    expect(labelPlacement(range, { start: 1000, end: 1040 })).toBe('after');
    expect(labelPlacement(range, { start: 1070, end: 1098 })).toBe('before');
    expect(labelPlacement(range, { start: 1000, end: 1100 })).toBe('inside');
  });
});
