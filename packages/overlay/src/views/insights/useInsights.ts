import { createInsightsSelector, type InsightsIndex } from '../../data/insights.ts';
import { createProfileSelector, type ProfileIndex } from '../../data/profiles.ts';
import type { InsightOptions } from '../../data/queries.ts';
import { selectVisibleTraces } from '../../data/sessions.ts';
import type { Store } from '../../data/store.ts';
import { useController, useEnvelopes } from '../../ui/hooks.ts';
import { useSessionView } from '../sessions/useSessions.ts';

interface Selectors {
  readonly insights: ReturnType<typeof createInsightsSelector>;
  readonly profiles: ReturnType<typeof createProfileSelector>;
}

// One set of selectors (and so of caches) per store: two overlays in a page do not share them.
// TODO(overlay-data): register these in the store's derived-view registry once it lands.
const perStore = new WeakMap<Store, Selectors>();

export function insightSelectorsOf(store: Store, options: InsightOptions): Selectors {
  let selectors = perStore.get(store);
  if (selectors === undefined) {
    selectors = { insights: createInsightsSelector(options), profiles: createProfileSelector() };
    perStore.set(store, selectors);
  }
  return selectors;
}

/** Insights of the traces the selected session shows. */
export function useInsights(): InsightsIndex {
  const { store, options } = useController();
  const session = useSessionView();
  return insightSelectorsOf(store, options.insights).insights(selectVisibleTraces(session.traces, session.visibility));
}

/** Every profile in the store. */
export function useProfiles(): ProfileIndex {
  const { store, options } = useController();
  return insightSelectorsOf(store, options.insights).profiles(useEnvelopes());
}
