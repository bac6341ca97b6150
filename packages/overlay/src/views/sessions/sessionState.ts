import type { SessionSelection } from '../../data/sessions.ts';

/** What the user chose to see (resets on reload to the current session) and the traces they pinned (kept). */
export interface SessionUiState {
  readonly selection: SessionSelection;
  readonly pinned: ReadonlySet<string>;
}

export interface SessionUiStore {
  getSnapshot(): SessionUiState;
  subscribe(listener: () => void): () => void;
  select(selection: SessionSelection): void;
  togglePin(traceId: string): void;
}

/** Where pins survive a reload: the page's localStorage, under one key. */
export const PINNED_STORAGE_KEY = 'spotlight:pinned-traces';
const MAX_PINNED = 200;

type PinStorage = Pick<Storage, 'getItem' | 'setItem'>;

function readPins(storage: PinStorage | undefined): Set<string> {
  try {
    const value: unknown = JSON.parse(storage?.getItem(PINNED_STORAGE_KEY) ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string').slice(-MAX_PINNED) : []);
  } catch {
    return new Set();
  }
}

function writePins(storage: PinStorage | undefined, pinned: ReadonlySet<string>): void {
  try {
    storage?.setItem(PINNED_STORAGE_KEY, JSON.stringify([...pinned].slice(-MAX_PINNED)));
  } catch {
    // Storage full or blocked (private mode, sandboxed iframe): pins then last as long as the page.
  }
}

export function createSessionUiStore(storage?: PinStorage): SessionUiStore {
  let state: SessionUiState = { selection: { kind: 'current' }, pinned: readPins(storage) };
  const listeners = new Set<() => void>();
  const set = (next: SessionUiState): void => {
    state = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    select(selection) {
      set({ ...state, selection });
    },
    togglePin(traceId) {
      const pinned = new Set(state.pinned);
      if (pinned.has(traceId)) pinned.delete(traceId);
      else pinned.add(traceId);
      writePins(storage, pinned);
      set({ ...state, pinned });
    },
  };
}

/** The page's localStorage, where there is one (not in a sandboxed iframe, nor in Node). */
export function pageStorage(): PinStorage | undefined {
  try {
    return typeof localStorage !== 'undefined' ? localStorage : undefined;
  } catch {
    return undefined;
  }
}
