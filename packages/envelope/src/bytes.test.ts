import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64, toBase64Portable } from './bytes.ts';

describe('base64', () => {
  it('encodes like the standard, natively and portably, and decodes back', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255, 256, 65536 + 1]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 255);
      const expected = Buffer.from(bytes).toString('base64');
      expect(toBase64(bytes), `length ${length}`).toBe(expected);
      expect(toBase64Portable(bytes), `length ${length}`).toBe(expected);
      expect(fromBase64(expected)).toEqual(bytes);
    }
  });

  it('encodes only the view, not the whole underlying buffer', () => {
    const whole = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    expect(toBase64(whole.subarray(2, 4))).toBe(Buffer.from([3, 4]).toString('base64'));
  });
});
