import { describe, expect, it } from 'vitest';
import { createVersionedMap } from './versionedMap.ts';

describe('versioned map', () => {
  it('keeps every snapshot as it was while the map changes', () => {
    const map = createVersionedMap<string, number>();
    map.set('a', 1);
    map.set('b', 2);
    const first = map.snapshot();
    map.set('a', 10);
    map.delete('b');
    map.set('c', 3);
    const second = map.snapshot();
    map.set('b', 20);
    map.delete('c');
    const third = map.snapshot();
    expect([first.get('a'), first.get('b'), first.has('c'), first.size]).toEqual([1, 2, false, 2]);
    expect([second.get('a'), second.has('b'), second.get('c'), second.size]).toEqual([10, false, 3, 2]);
    expect([third.get('a'), third.get('b'), third.has('c')]).toEqual([10, 20, false]);
    expect(new Map(first)).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect([...second.keys()].sort()).toEqual(['a', 'c']);
    // Read before and after later changes: the same answers.
    map.set('a', 100);
    expect([first.get('a'), second.get('a'), third.get('a'), map.get('a')]).toEqual([1, 10, 10, 100]);
  });

  it('hands out the same snapshot while nothing changed, and refuses changes to one', () => {
    const map = createVersionedMap<string, number>();
    map.set('a', 1);
    const snapshot = map.snapshot();
    expect(map.snapshot()).toBe(snapshot);
    expect(() => (snapshot as Map<string, number>).set('a', 2)).toThrow('does not change');
    map.set('a', 2);
    expect(map.snapshot()).not.toBe(snapshot);
  });
});
