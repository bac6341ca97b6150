import { useVirtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';

// The virtualizer re-measures every row (O(rows) work and garbage) whenever its `getItemKey` option is a
// new function; a list re-renders on every scroll frame, so an inline arrow made each frame cost as much
// as the whole list. The key getter is therefore one function per rows array, for as long as it lives.

type KeyOf<T> = (item: T) => string;
type KeyGetter = (index: number) => string | number;

const keyGetters = new WeakMap<KeyOf<never>, WeakMap<readonly unknown[], KeyGetter>>();

/** The virtualizer's `getItemKey` for these rows: the same function for the same array and `keyOf`. */
export function rowKeyGetter<T>(rows: readonly T[], keyOf: KeyOf<T>): KeyGetter {
  let perRows = keyGetters.get(keyOf as KeyOf<never>);
  if (perRows === undefined) {
    perRows = new WeakMap();
    keyGetters.set(keyOf as KeyOf<never>, perRows);
  }
  let getter = perRows.get(rows);
  if (getter === undefined) {
    getter = (index) => {
      const row = rows[index];
      return row === undefined ? index : keyOf(row);
    };
    perRows.set(rows, getter);
  }
  return getter;
}

/**
 * A virtualizer over rows of one fixed height, keyed by `keyOf` (pass a function defined once, outside
 * the component). Scrolling re-renders the list but measures nothing again.
 */
export function useFixedRows<T, E extends Element>({
  rows,
  keyOf,
  rowHeight,
  overscan,
  scrollRef,
}: {
  rows: readonly T[];
  keyOf: KeyOf<T>;
  rowHeight: number;
  overscan: number;
  scrollRef: RefObject<E | null>;
}) {
  return useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
    getItemKey: rowKeyGetter(rows, keyOf),
  });
}
