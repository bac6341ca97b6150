import { describe, expect, it } from 'vitest';
import { SlabAllocator } from './slab.ts';

describe('SlabAllocator', () => {
  it('carves consecutive, aligned ranges from one block', () => {
    const slab = new SlabAllocator(1024, 256);
    const a = slab.alloc(10);
    const b = slab.alloc(20);
    expect(a.buffer).toBe(b.buffer);
    expect([a.byteOffset, a.length, b.byteOffset, b.length]).toEqual([0, 10, 16, 20]);
  });

  it('starts a new block when the current one is full, and gives large requests their own', () => {
    const slab = new SlabAllocator(64, 32);
    const a = slab.alloc(32);
    const b = slab.alloc(32);
    const c = slab.alloc(8);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.byteOffset).toBe(0);
    const big = slab.alloc(33);
    expect(big.length).toBe(33);
    expect(big.buffer).not.toBe(c.buffer);
  });

  it('copies bytes into its ranges without aliasing the source', () => {
    const slab = new SlabAllocator(1024, 256);
    const source = Uint8Array.from([1, 2, 3]);
    const copy = slab.copy(source);
    source[0] = 9;
    expect([...copy]).toEqual([1, 2, 3]);
  });
});
