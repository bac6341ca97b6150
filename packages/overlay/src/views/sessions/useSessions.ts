import { useMemo, useSyncExternalStore } from 'react';
import {
  type PageInfo,
  type SessionIndex,
  selectSessions,
  selectVisibility,
  selectVisibleEnvelopes,
  type Visibility,
} from '../../data/sessions.ts';
import type { StoredEnvelope } from '../../data/store.ts';
import { selectTraces, type TraceIndex } from '../../data/traces.ts';
import { useController, useSpotlightStore } from '../../ui/hooks.ts';
import { type SessionUiState, type SessionUiStore, sessionUiStoreOf } from './sessionState.ts';

/** When this page loaded: envelopes without a trace sent after it belong to the page's session. */
const PAGE_LOADED_AT = typeof performance !== 'undefined' && performance.timeOrigin > 0 ? performance.timeOrigin : Date.now();

export interface SessionView extends SessionUiState {
  readonly sessions: SessionIndex;
  readonly traces: TraceIndex;
  readonly visibility: Visibility;
  readonly ui: SessionUiStore;
}

/** Sessions, the user's selection and pins, and what they make visible. */
export function useSessionView(): SessionView {
  const { store } = useController();
  const { envelopes, sessionTraceIds } = useSpotlightStore();
  const ui = sessionUiStoreOf(store);
  const state = useSyncExternalStore(ui.subscribe, ui.getSnapshot, ui.getSnapshot);
  const page = useMemo<PageInfo>(() => ({ loadedAt: PAGE_LOADED_AT, traceIds: sessionTraceIds }), [sessionTraceIds]);
  const sessions = selectSessions({ envelopes, page });
  const traces = selectTraces(envelopes);
  // Memoized outside React: the tabs and every view share one object, and what is derived from it.
  const visible = selectVisibility(sessions, state.selection, state.pinned, traces);
  return { ...state, sessions, traces, visibility: visible, ui };
}

/**
 * The stored envelopes the selected session shows (all of them for "All sessions"), for views that
 * work on envelopes, e.g. the errors view: `selectIssues(useVisibleEnvelopes())`.
 */
export function useVisibleEnvelopes(): readonly StoredEnvelope[] {
  const { envelopes } = useSpotlightStore();
  return selectVisibleEnvelopes(envelopes, useSessionView().visibility);
}
