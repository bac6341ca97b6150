import { useCallback, useMemo } from 'react';
import type { SpotlightStore } from '../../data/index.ts';
import { profilesForSpan, traceInsights } from '../../data/insights.ts';
import type { Visibility } from '../../data/visibility.ts';
import { EmptyState } from '../../ui/components.tsx';
import { useController, useNavigate, useNow, useSpotlightStore, useStore } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import type { ViewProps } from '../../ui/views.ts';
import { useInsights, useProfiles } from '../insights/useInsights.ts';
import { SessionPicker } from '../sessions/SessionPicker.tsx';
import { findTrace, useSessionView } from '../sessions/useSessions.ts';
import { TraceDetail } from './TraceDetail.tsx';
import { TraceList } from './TraceList.tsx';

/** The tab's number: the traces the list shows (the selected session's, and pinned ones). */
export function tracesTabCount(store: SpotlightStore, visible: Visibility): number {
  return store.visibleTraceHeads(visible).count;
}

/**
 * A trace with no span here. Whether it never arrived or was let go tells the user what to change: an
 * error links to its trace whether or not the SDK recorded spans for it (tracing off, sampled out).
 */
function TraceNotHere({ traceId, onBack }: { traceId: string; onBack: () => void }) {
  const { dropped } = useSpotlightStore();
  const hasError = useStore().traces().errorsByTrace.has(traceId);
  const back = (
    <button type="button" className="mt-2 text-accent hover:underline" onClick={onBack}>
      Back to all traces
    </button>
  );
  if (dropped > 0) {
    return (
      <EmptyState title="This trace is not here anymore" testId="trace-not-found">
        <p>
          No span of trace <code className="font-mono text-fg">{traceId.slice(0, 8)}</code> is here: it was dropped to make room for newer
          events, or its spans never arrived.
        </p>
        {back}
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No spans of this trace arrived" testId="trace-never-arrived">
      <p>
        {hasError ? 'The error happened in trace ' : 'Spotlight has received no span of trace '}
        <code className="font-mono text-fg">{traceId.slice(0, 8)}</code>
        {hasError ? ', but its SDK sent no spans for it: tracing is off there, or sampled this trace out. Set ' : '. Set '}
        <code className="font-mono text-fg">tracesSampleRate</code> in <code className="font-mono text-fg">Sentry.init()</code> (and, in a
        browser, add <code className="font-mono text-fg">Sentry.browserTracingIntegration()</code>) to record traces.
      </p>
      {back}
    </EmptyState>
  );
}

/** Routes: `/traces` (the current session's traces), `/traces/<trace id>[/<span id>]` (its waterfall). */
export function TracesView({ path }: ViewProps) {
  const store = useStore();
  const session = useSessionView();
  const navigate = useNavigate();
  const now = useNow();
  const [traceId, spanId] = path;
  const { options } = useController();
  const insights = useInsights();
  const profiles = useProfiles();
  const trace = traceId === undefined ? undefined : findTrace(store, session.visibility, traceId);
  // A trace outside the selected session (opened from a link) is looked at on its own.
  const found = useMemo(
    () => (trace === undefined ? undefined : (insights.byTrace.get(trace.traceId) ?? traceInsights(trace, options.insights))),
    [trace, insights, options.insights],
  );
  const profiledSpanIds = useMemo(() => {
    const ids = new Set<string>();
    // Only the selected span's detail shows the link: look at that one.
    const span = trace?.spans.find((s) => s.spanId === spanId);
    if (trace !== undefined && span !== undefined && profiles.all.length > 0 && profilesForSpan(profiles, trace, span).length > 0)
      ids.add(span.spanId);
    return ids;
  }, [trace, spanId, profiles]);
  // Stable, so the list's memoized rows do not all re-render when this view does.
  const openTrace = useCallback((id: string) => navigate(routeOf('traces', id)), [navigate]);

  if (traceId !== undefined) {
    if (trace === undefined) return <TraceNotHere traceId={traceId} onBack={() => navigate('/traces')} />;
    return (
      <TraceDetail
        trace={trace}
        selectedSpanId={spanId}
        pinned={session.pinned.has(trace.traceId)}
        onBack={() => navigate('/traces')}
        onSelectSpan={(id) => navigate(id === undefined ? routeOf('traces', trace.traceId) : routeOf('traces', trace.traceId, id))}
        onTogglePin={() => session.ui.togglePin(trace.traceId)}
        onOpenError={(eventId) => navigate(routeOf('errors', 'events', eventId))}
        onOpenLog={(logId) => navigate(routeOf('logs', 'line', logId))}
        insights={found}
        profiledSpanIds={profiledSpanIds}
        onOpenProfile={(id) => navigate(routeOf('insights', 'profiles', trace.traceId, id))}
      />
    );
  }

  const visible = store.visibleTraces(session.visibility).traces;
  const hidden = session.heads.count - visible.length;
  const empty =
    session.heads.count === 0 ? (
      <EmptyState title="No traces yet" testId="traces-empty">
        <p>
          Traces show up here as your services send spans. In a Node service, <code className="font-mono text-fg">Spotlight.init()</code>{' '}
          from <code className="font-mono text-fg">sentry-spotlight</code> sends every span in development; in the browser, or with{' '}
          <code className="font-mono text-fg">Sentry.init()</code> alone, set <code className="font-mono text-fg">tracesSampleRate: 1</code>{' '}
          to see one request across the browser and your servers.
        </p>
      </EmptyState>
    ) : (
      <EmptyState title="Nothing in this session yet" testId="traces-empty-session">
        <p>
          {hidden} {hidden === 1 ? 'trace is' : 'traces are'} in earlier sessions.{' '}
          <button
            type="button"
            data-testid="show-all-sessions"
            className="text-accent hover:underline"
            onClick={() => session.ui.select({ kind: 'all' })}
          >
            Show all sessions
          </button>
        </p>
      </EmptyState>
    );
  return (
    <TraceList
      traces={visible}
      pinned={session.pinned}
      now={now}
      empty={empty}
      toolbar={<SessionPicker />}
      onOpen={openTrace}
      onTogglePin={session.ui.togglePin}
    />
  );
}
