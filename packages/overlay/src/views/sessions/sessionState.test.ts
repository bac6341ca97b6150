import { describe, expect, it } from 'vitest';
import { createSessionUiStore, PINNED_STORAGE_KEY } from './sessionState.ts';

function memoryStorage(initial?: string) {
  const data = new Map<string, string>(initial !== undefined ? [[PINNED_STORAGE_KEY, initial]] : []);
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => {
      data.set(key, value);
    },
  };
}

describe('session UI state', () => {
  it('starts on the current session and keeps pins across reloads', () => {
    const storage = memoryStorage();
    const first = createSessionUiStore(storage);
    expect(first.getSnapshot().selection).toEqual({ kind: 'current' });
    let notified = 0;
    first.subscribe(() => {
      notified += 1;
    });
    first.togglePin('aaa');
    first.togglePin('bbb');
    first.togglePin('aaa');
    first.select({ kind: 'all' });
    expect(notified).toBe(4);
    expect([...first.getSnapshot().pinned]).toEqual(['bbb']);
    expect(storage.data.get(PINNED_STORAGE_KEY)).toBe('["bbb"]');
    // A reload: a new store reads the pins, and shows the current session again.
    const reloaded = createSessionUiStore(storage);
    expect([...reloaded.getSnapshot().pinned]).toEqual(['bbb']);
    expect(reloaded.getSnapshot().selection).toEqual({ kind: 'current' });
  });

  it('survives broken or blocked storage', () => {
    expect([...createSessionUiStore(memoryStorage('{not json')).getSnapshot().pinned]).toEqual([]);
    expect([...createSessionUiStore(memoryStorage('[1, "x", null]')).getSnapshot().pinned]).toEqual(['x']);
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const store = createSessionUiStore(blocked);
    store.togglePin('ccc');
    expect([...store.getSnapshot().pinned]).toEqual(['ccc']);
  });
});
