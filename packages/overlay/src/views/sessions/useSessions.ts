import { useMemo, useSyncExternalStore } from 'react';
import type { SpotlightStore } from '../../data/index.ts';
import type { PageInfo, SessionIndex } from '../../data/sessions.ts';
import type { TraceHeads } from '../../data/traceHeads.ts';
import type { Trace } from '../../data/traces.ts';
import type { Visibility } from '../../data/visibility.ts';
import { useController, useSpotlightStore } from '../../ui/hooks.ts';
import type { SessionUiState, SessionUiStore } from './sessionState.ts';

/** When this page loaded: envelopes without a trace sent after it belong to the page's session. */
const PAGE_LOADED_AT = typeof performance !== 'undefined' && performance.timeOrigin > 0 ? performance.timeOrigin : Date.now();

export interface SessionView extends SessionUiState {
  readonly sessions: SessionIndex;
  /** Names and status of every trace (sessions read them anyway); full traces come from `store.traces()`. */
  readonly heads: TraceHeads;
  readonly visibility: Visibility;
  readonly ui: SessionUiStore;
}

/** Sessions, the user's selection and pins, and what they make visible (read from the store's views). */
export function useSessionView(): SessionView {
  const { store, sessionUi: ui, selectVisibility } = useController();
  const { sessionTraceIds } = useSpotlightStore();
  const state = useSyncExternalStore(ui.subscribe, ui.getSnapshot, ui.getSnapshot);
  const page = useMemo<PageInfo>(() => ({ loadedAt: PAGE_LOADED_AT, traceIds: sessionTraceIds }), [sessionTraceIds]);
  const sessions = store.sessions({ page });
  const visibility = selectVisibility(sessions, state.selection, state.pinned);
  return { ...state, sessions, heads: store.traceHeads(), visibility, ui };
}

/**
 * A trace, looked up among those the selection shows first: the store then builds every trace only for a
 * link to one outside it (see data/traceHeads.ts for why that matters).
 */
export function findTrace(store: SpotlightStore, visibility: Visibility, traceId: string): Trace | undefined {
  return store.visibleTraces(visibility).byId.get(traceId) ?? store.traces().byId.get(traceId);
}
