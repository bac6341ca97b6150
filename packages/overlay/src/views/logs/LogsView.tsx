import type { SpotlightStore } from '../../data/index.ts';
import type { LogRow } from '../../data/logs.ts';
import type { Visibility } from '../../data/visibility.ts';
import { Chip, EmptyState, Icon } from '../../ui/components.tsx';
import { useNavigate, useStore } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import type { ViewProps } from '../../ui/views.ts';
import { SessionPicker } from '../sessions/SessionPicker.tsx';
import { findTrace, useSessionView } from '../sessions/useSessions.ts';
import { LogList } from './LogList.tsx';

/** The tab's number: the log lines of the selected session (and of pinned traces). */
export function logsTabCount(store: SpotlightStore, visible: Visibility): number {
  return store.visibleLogs(visible).length;
}

/** Routes: `/logs` (the session's lines), `/logs/trace/<trace id>` (one trace's), `/logs/line/<log id>` (one selected). */
export function LogsView({ path }: ViewProps) {
  const store = useStore();
  const session = useSessionView();
  const navigate = useNavigate();
  const all = store.logs();
  const [mode, id] = path;
  const traceFilter = mode === 'trace' ? id : undefined;
  const selectedId = mode === 'line' ? id : undefined;
  const visible = store.visibleLogs(session.visibility);
  // A line opened from elsewhere (a trace of an earlier session) is shown in its place among the visible ones.
  const selectedLog = selectedId !== undefined ? all.find((l) => l.id === selectedId) : undefined;
  let logs: readonly LogRow[] = visible;
  if (traceFilter !== undefined) logs = all.filter((l) => l.traceId === traceFilter);
  else if (selectedLog !== undefined && !visible.includes(selectedLog)) {
    const shown = new Set(visible);
    logs = all.filter((l) => l === selectedLog || shown.has(l));
  }
  const hidden = all.length - logs.length;
  const empty =
    all.length === 0 ? (
      <EmptyState title="No logs yet" testId="logs-empty">
        <p>
          Turn on logs in the SDK: <code className="font-mono text-fg">Sentry.init(&#123; enableLogs: true &#125;)</code>, then{' '}
          <code className="font-mono text-fg">Sentry.logger.info('…')</code>.
        </p>
      </EmptyState>
    ) : (
      <EmptyState title="No logs in this session yet" testId="logs-empty-session">
        <p>
          {hidden} {hidden === 1 ? 'line is' : 'lines are'} in earlier sessions.{' '}
          <button type="button" className="text-accent hover:underline" onClick={() => session.ui.select({ kind: 'all' })}>
            Show all sessions
          </button>
        </p>
      </EmptyState>
    );
  const toolbar =
    traceFilter !== undefined ? (
      <span className="flex items-center gap-1.5">
        <Chip testId="log-trace-filter">trace: {session.heads.byId.get(traceFilter)?.name ?? traceFilter.slice(0, 8)}</Chip>
        <button
          type="button"
          aria-label="Show all logs"
          onClick={() => navigate('/logs')}
          className="rounded p-0.5 text-fg-faint hover:bg-surface-3 hover:text-fg"
        >
          <Icon name="close" className="size-3.5" />
        </button>
      </span>
    ) : (
      <SessionPicker />
    );
  return (
    <LogList
      logs={logs}
      traces={session.heads}
      selectedId={selectedId}
      toolbar={toolbar}
      empty={empty}
      onSelect={(logId) => navigate(logId === undefined ? '/logs' : routeOf('logs', 'line', logId))}
      onOpenTrace={(traceId, spanId) => {
        // Straight to the span that was active when the line was logged, when it arrived.
        const hasSpan = spanId !== undefined && findTrace(store, session.visibility, traceId)?.spans.some((s) => s.spanId === spanId);
        navigate(hasSpan ? routeOf('traces', traceId, spanId as string) : routeOf('traces', traceId));
      }}
    />
  );
}
