import { expect } from 'vitest';

/** Asserts that `check` answers `expected` for every value; a failure names the value. */
export function expectAll<T>(check: (value: T) => boolean, values: readonly T[], expected: boolean): void {
  for (const value of values) expect(check(value), String(value)).toBe(expected);
}
