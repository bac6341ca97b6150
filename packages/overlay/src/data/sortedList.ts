/**
 * Arrays kept sorted as items come and go, for the lists derivations publish (issues, traces): a change
 * costs a binary search and one move of the items after it, instead of sorting the whole list again.
 * Lists shown newest first are kept oldest first, so that what arrives (usually the newest) is appended,
 * and published reversed (`newestFirst`).
 */

/** Inserts after the items that compare equal (as a stable sort of the arrival order would); returns where. */
export function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  // Items usually arrive in order: check the end first.
  if (hi > 0 && compare(list[hi - 1] as T, item) <= 0) lo = hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
  return lo;
}

/** Removes this very item (found by binary search, then among its equals); returns where it was, or -1. */
export function removeSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && compare(list[i] as T, item) === 0; i++) {
    if (list[i] === item) {
      list.splice(i, 1);
      return i;
    }
  }
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  return at;
}

/** Removes one item that compares equal to `like` (for items made again from the same facts); returns where, or -1. */
export function removeEqual<T>(list: T[], like: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, like) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= list.length || compare(list[lo] as T, like) !== 0) return -1;
  list.splice(lo, 1);
  return lo;
}

/** A copy in the opposite order, keeping only what `keep` accepts. */
export function newestFirst<T>(list: readonly T[], keep?: (item: T) => boolean): T[] {
  const out: T[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as T;
    if (keep === undefined || keep(item)) out.push(item);
  }
  return out;
}
