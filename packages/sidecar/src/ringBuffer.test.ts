import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ringBuffer.ts';

interface Entry {
  readonly id: string;
  readonly size: number;
}

function buffer(limits: { maxEntries?: number; maxBytes?: number; maxAgeMs?: number }, clock = { now: 0 }) {
  return new RingBuffer<Entry>({
    maxEntries: limits.maxEntries ?? 1000,
    maxBytes: limits.maxBytes ?? 1_000_000,
    maxAgeMs: limits.maxAgeMs ?? 60_000,
    key: (e) => e.id,
    size: (e) => e.size,
    now: () => clock.now,
  });
}

const ids = (b: RingBuffer<Entry>, after?: string) => [...b.after(after)].map((e) => e.id);

describe('RingBuffer', () => {
  it('evicts the oldest entries past the count bound', () => {
    const b = buffer({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) b.push({ id, size: 1 });
    expect(ids(b)).toEqual(['c', 'd', 'e']);
    expect(b.size).toBe(3);
    expect(b.get('a')).toBeUndefined();
    expect(b.get('d')).toEqual({ id: 'd', size: 1 });
  });

  it('evicts the oldest entries past the byte bound and tracks the total', () => {
    const b = buffer({ maxBytes: 100 });
    b.push({ id: 'a', size: 40 });
    b.push({ id: 'b', size: 40 });
    expect(b.byteSize).toBe(80);
    b.push({ id: 'c', size: 30 });
    expect(ids(b)).toEqual(['b', 'c']);
    expect(b.byteSize).toBe(70);
  });

  it('keeps an entry bigger than the byte bound on its own', () => {
    const b = buffer({ maxBytes: 100 });
    b.push({ id: 'a', size: 10 });
    b.push({ id: 'huge', size: 500 });
    expect(ids(b)).toEqual(['huge']);
    b.push({ id: 'b', size: 10 });
    expect(ids(b)).toEqual(['b']);
  });

  it('drops entries older than the age bound on read', () => {
    const clock = { now: 1000 };
    const b = buffer({ maxAgeMs: 100 }, clock);
    b.push({ id: 'old', size: 1 });
    clock.now = 1050;
    b.push({ id: 'new', size: 1 });
    clock.now = 1101;
    expect(ids(b)).toEqual(['new']);
    expect(b.size).toBe(1);
    expect(b.get('old')).toBeUndefined();
    clock.now = 1151;
    expect(b.size).toBe(0);
    expect(b.byteSize).toBe(0);
  });

  it('iterates strictly after a key, and everything for an unknown or absent key', () => {
    const b = buffer({});
    for (const id of ['a', 'b', 'c']) b.push({ id, size: 1 });
    expect(ids(b, 'a')).toEqual(['b', 'c']);
    expect(ids(b, 'c')).toEqual([]);
    expect(ids(b, 'zzz')).toEqual(['a', 'b', 'c']);
    expect(ids(b, undefined)).toEqual(['a', 'b', 'c']);
  });

  it('treats an evicted key as unknown', () => {
    const b = buffer({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) b.push({ id, size: 1 });
    expect(ids(b, 'a')).toEqual(['b', 'c']);
  });

  it('keeps sequence numbers growing across clear()', () => {
    const b = buffer({});
    expect(b.push({ id: 'a', size: 1 })).toBe(0);
    expect(b.push({ id: 'b', size: 1 })).toBe(1);
    b.clear();
    expect(b.size).toBe(0);
    expect(b.byteSize).toBe(0);
    expect(b.get('a')).toBeUndefined();
    expect(b.push({ id: 'c', size: 1 })).toBe(2);
    expect(b.startSeq).toBe(2);
    expect(b.endSeq).toBe(3);
    expect([...b.from(0)].map((e) => e.id)).toEqual(['c']);
  });

  it('stays correct over many insertions (front compaction)', () => {
    const b = buffer({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i++) b.push({ id: `k${i}`, size: 1 });
    expect(b.size).toBe(100);
    expect(ids(b)[0]).toBe('k9900');
    expect(ids(b).at(-1)).toBe('k9999');
    expect(b.at(9950)?.id).toBe('k9950');
    expect(b.at(9899)).toBeUndefined();
    expect(b.seqOf('k9999')).toBe(9999);
    expect(ids(b, 'k9997')).toEqual(['k9998', 'k9999']);
  });

  it('keeps the index pointing at the newest entry of a repeated key', () => {
    const b = buffer({ maxEntries: 2 });
    b.push({ id: 'x', size: 1 });
    b.push({ id: 'x', size: 2 });
    b.push({ id: 'y', size: 3 });
    expect(b.get('x')).toEqual({ id: 'x', size: 2 });
  });
});
