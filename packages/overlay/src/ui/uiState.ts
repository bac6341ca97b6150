import { normalizeRoute } from '../options.ts';

/** What the overlay shows: open or closed, and which route (`/errors/<issue id>`...). */
export interface UiState {
  readonly open: boolean;
  readonly route: string;
}

export interface UiStateStore {
  getSnapshot(): UiState;
  subscribe(listener: () => void): () => void;
  setOpen(open: boolean): void;
  navigate(route: string): void;
}

export function createUiState(initial: UiState): UiStateStore {
  let state: UiState = { open: initial.open, route: normalizeRoute(initial.route) };
  const listeners = new Set<() => void>();
  const set = (next: UiState) => {
    if (next.open === state.open && next.route === state.route) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setOpen: (open) => set({ ...state, open }),
    navigate: (route) => set({ ...state, route: normalizeRoute(route) }),
  };
}

/** `/errors/abc/def` → `['errors', 'abc', 'def']`; segments are URI-decoded. */
export function routeSegments(route: string): string[] {
  return route
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** Builds a route from segments, encoding each: ids from events can hold anything. */
export function routeOf(...segments: string[]): string {
  return `/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}
