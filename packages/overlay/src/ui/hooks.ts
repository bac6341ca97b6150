import { useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { SpotlightStore } from '../data/index.ts';
import type { StoredEnvelope, StoreSnapshot } from '../data/store.ts';
import { SpotlightContext, type SpotlightController } from './context.ts';
import { routeSegments, type UiState } from './uiState.ts';

export function useController(): SpotlightController {
  const controller = useContext(SpotlightContext);
  if (!controller) throw new Error('Spotlight components must render inside <App>');
  return controller;
}

/**
 * The one place React subscribes to the envelope store: a component that calls it renders again at each of
 * the store's versions (at most one per frame).
 */
export function useSpotlightStore(): StoreSnapshot {
  const { store } = useController();
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/**
 * The store, for reading its views (`store.issues()`, `store.visibleTraces(v)`... see data/index.ts) at the
 * version this render shows: each view is derived once per version, from what changed.
 */
export function useStore(): SpotlightStore {
  useSpotlightStore();
  return useController().store;
}

/** The stored envelopes, oldest first. */
export function useEnvelopes(): readonly StoredEnvelope[] {
  return useSpotlightStore().envelopes;
}

export function useUiState(): UiState {
  const { ui } = useController();
  return useSyncExternalStore(ui.subscribe, ui.getSnapshot, ui.getSnapshot);
}

/** The current route as segments, e.g. `['errors', '<issue id>']`. */
export function useRoute(): string[] {
  const { route } = useUiState();
  return routeSegments(route);
}

export function useNavigate(): (path: string) => void {
  return useController().navigate;
}

/** The current time, refreshed every `intervalMs` (for "3 min ago" labels). */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
