import type { ComponentType } from 'react';
import type { SpotlightStore } from '../data/index.ts';
import type { Visibility } from '../data/visibility.ts';
import { ErrorsView, errorsTabCount } from '../views/errors/ErrorsView.tsx';
import { InsightsView } from '../views/insights/InsightsView.tsx';
import { LogsView, logsTabCount } from '../views/logs/LogsView.tsx';
import { SdksView, sdksTabCount } from '../views/sdks/SdksView.tsx';
import { TracesView, tracesTabCount } from '../views/traces/TracesView.tsx';

/** Props every view gets; the rest comes from hooks (`useStore`, `useNavigate`, ... in ./hooks.ts). */
export interface ViewProps {
  /** The route's segments after the view's id: `/errors/abc/def` → `['abc', 'def']`. */
  readonly path: readonly string[];
}

export interface ViewDefinition {
  /** The route's first segment, e.g. `errors` for `/errors/...`; also the tab's test id (`tab-errors`). */
  readonly id: string;
  /** The tab's label. */
  readonly title: string;
  readonly component: ComponentType<ViewProps>;
  /**
   * The number in the tab: what the view lists (e.g. the selected session's issues, traces), read from the
   * store's views (data/index.ts) for what the session selection shows (`visible`; ignore it for views that
   * show everything). Called on every store or selection change: the store derives each view once per
   * version. Leave out for no number.
   */
  readonly count?: (store: SpotlightStore, visible: Visibility) => number;
}

/**
 * The overlay's views, in tab order. A view is added by adding its entry here; the shell (tabs,
 * routing, empty and unknown routes) needs nothing else.
 */
export const views: readonly ViewDefinition[] = [
  { id: 'errors', title: 'Errors', component: ErrorsView, count: errorsTabCount },
  { id: 'traces', title: 'Traces', component: TracesView, count: tracesTabCount },
  { id: 'logs', title: 'Logs', component: LogsView, count: logsTabCount },
  { id: 'insights', title: 'Insights', component: InsightsView },
  { id: 'sdks', title: 'SDKs', component: SdksView, count: sdksTabCount },
];

export function findView(id: string | undefined): ViewDefinition | undefined {
  return views.find((view) => view.id === id);
}
