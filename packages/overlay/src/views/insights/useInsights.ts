import type { InsightsIndex } from '../../data/insights.ts';
import type { ProfileIndex } from '../../data/profiles.ts';
import { useController, useStore } from '../../ui/hooks.ts';
import { useSessionView } from '../sessions/useSessions.ts';

/** Insights of the traces the selected session shows (the store's `insights` view). */
export function useInsights(): InsightsIndex {
  const store = useStore();
  const { options } = useController();
  const { visibility } = useSessionView();
  return store.insights({ visibility, options: options.insights });
}

/** Every profile in the store. */
export function useProfiles(): ProfileIndex {
  return useStore().profiles();
}
