import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/react-virtual';
import { describe, expect, it } from 'vitest';
import { rowKeyGetter } from './virtualRows.ts';

interface Row {
  readonly id: string;
}

const rowsOf = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `row-${i}` }));

describe('rowKeyGetter', () => {
  it('keys rows by keyOf, and indexes past the end by their index', () => {
    const keyOf = (row: Row) => row.id;
    const getKey = rowKeyGetter(rowsOf(3), keyOf);
    expect([0, 1, 2, 3].map(getKey)).toEqual(['row-0', 'row-1', 'row-2', 3]);
  });

  it('is the same function for the same rows array and keyOf, a new one for a new array or keyOf', () => {
    const keyOf = (row: Row) => row.id;
    const rows = rowsOf(3);
    const getKey = rowKeyGetter(rows, keyOf);
    expect(rowKeyGetter(rows, keyOf)).toBe(getKey);
    const newer = [...rows, { id: 'row-3' }];
    expect(rowKeyGetter(newer, keyOf)).not.toBe(getKey);
    expect(rowKeyGetter(newer, keyOf)(3)).toBe('row-3');
    expect(rowKeyGetter(rows, (row: Row) => row.id.toUpperCase())(0)).toBe('ROW-0');
  });

  it('lets a list re-render (as it does on every scroll frame) without the virtualizer keying every row again', () => {
    const rows = rowsOf(4000);
    let keyed = 0;
    const keyOf = (row: Row) => {
      keyed += 1;
      return row.id;
    };
    // What useFixedRows passes the virtualizer on each render.
    const options = () => ({
      count: rows.length,
      getScrollElement: () => null,
      estimateSize: () => 54,
      getItemKey: rowKeyGetter(rows, keyOf),
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
    });
    const virtualizer = new Virtualizer<HTMLElement, Element>(options());
    expect(virtualizer.getTotalSize()).toBe(4000 * 54);
    expect(keyed).toBe(4000);
    for (let frame = 0; frame < 10; frame++) {
      virtualizer.setOptions(options());
      expect(virtualizer.getTotalSize()).toBe(4000 * 54);
    }
    expect(keyed).toBe(4000);
  });
});
