import { describe, expect, it } from 'vitest';
import { SlabAllocator } from './slab.ts';

describe('SlabAllocator', () => {
  it('carves consecutive, aligned ranges from one block', () => {
    const slab = new SlabAllocator({ blockSize: 1024, maxCarve: 256 });
    const a = slab.alloc(10);
    const b = slab.alloc(20);
    expect(a.buffer).toBe(b.buffer);
    expect([a.byteOffset, a.length, b.byteOffset, b.length]).toEqual([0, 10, 16, 20]);
  });

  it('starts a new block when the current one is full, and gives large requests their own', () => {
    const slab = new SlabAllocator({ blockSize: 64, maxCarve: 32 });
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

  it('carves the oldest full block again once its last owner may be overwritten, and not before', () => {
    let freeUpTo = -1;
    const asked: number[] = [];
    const slab = new SlabAllocator({
      blockSize: 64,
      maxCarve: 32,
      maxLiveBytes: 1024,
      reusable: (owner) => {
        asked.push(owner);
        return owner <= freeUpTo;
      },
    });
    const carve = (owner: number) => {
      slab.owner = owner;
      return slab.alloc(32);
    };
    const first = [carve(0), carve(1)]; // block A: owners 0 and 1
    const second = [carve(2), carve(3)]; // block B (A was asked about: owner 1 still holds it)
    const third = carve(4); // block C: A is still held
    expect(asked).toEqual([1, 1]);
    expect(third.buffer).not.toBe(first[0]?.buffer);
    expect(third.buffer).not.toBe(second[0]?.buffer);
    freeUpTo = 1;
    carve(5);
    const reused = carve(6); // block C is full: A (owners 0, 1) is free
    expect(reused.buffer).toBe(first[0]?.buffer);
    expect(reused.byteOffset).toBe(0);
    expect(slab.reused).toBe(1);
    expect(asked).toEqual([1, 1, 1]);
  });

  it('never reuses without a reusable check', () => {
    const slab = new SlabAllocator({ blockSize: 64, maxCarve: 32 });
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 20; i++) buffers.add(slab.alloc(32).buffer);
    expect(buffers.size).toBe(10);
    expect(slab.reused).toBe(0);
  });

  it('remembers only the full blocks its owners can hold, so a reader that never finishes pins nothing', () => {
    let blocked = true;
    // 128 live bytes at 32 usable bytes a block: 4 blocks, plus 8 spare, are remembered.
    const slab = new SlabAllocator({ blockSize: 64, maxCarve: 32, maxLiveBytes: 128, reusable: () => !blocked });
    const blocks: ArrayBufferLike[] = [];
    for (let i = 0; i < 80; i++) {
      slab.owner = i;
      const range = slab.alloc(32);
      if (blocks.at(-1) !== range.buffer) blocks.push(range.buffer);
    }
    blocked = false;
    slab.owner = 80;
    const next = slab.alloc(32);
    // 40 blocks were filled; the oldest one remembered is the 13th newest (the 12 kept, and the one
    // just filled), the others were left to the garbage collector.
    expect(blocks).toHaveLength(40);
    expect(blocks.indexOf(next.buffer)).toBe(40 - 13);
  });
});
