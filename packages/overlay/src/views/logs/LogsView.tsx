import { type LogRow, selectLogs } from '../../data/logs.ts';
import { createVisibleRowSelector, isRowVisible, type Visibility } from '../../data/sessions.ts';
import type { StoredEnvelope } from '../../data/store.ts';
import { Chip, EmptyState, Icon } from '../../ui/components.tsx';
import { useEnvelopes, useNavigate } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import type { ViewProps } from '../../ui/views.ts';
import { SessionPicker } from '../sessions/SessionPicker.tsx';
import { useSessionView } from '../sessions/useSessions.ts';
import { LogList } from './LogList.tsx';

const selectVisibleLogs = createVisibleRowSelector<LogRow>();

/** The tab's number: the log lines of the selected session (and of pinned traces). */
export function logsTabCount(envelopes: readonly StoredEnvelope[], visible: Visibility): number {
  return selectVisibleLogs(selectLogs(envelopes), visible).length;
}

/** Routes: `/logs` (the session's lines), `/logs/trace/<trace id>` (one trace's), `/logs/line/<log id>` (one selected). */
export function LogsView({ path }: ViewProps) {
  const envelopes = useEnvelopes();
  const session = useSessionView();
  const navigate = useNavigate();
  const all = selectLogs(envelopes);
  const [mode, id] = path;
  const traceFilter = mode === 'trace' ? id : undefined;
  const selectedId = mode === 'line' ? id : undefined;
  const selectedLog = selectedId !== undefined ? all.find((l) => l.id === selectedId) : undefined;
  const logs =
    traceFilter !== undefined
      ? all.filter((l) => l.traceId === traceFilter)
      : all.filter((l) => l.id === selectedLog?.id || isRowVisible(session.visibility, l));
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
        <Chip testId="log-trace-filter">trace: {session.traces.byId.get(traceFilter)?.name ?? traceFilter.slice(0, 8)}</Chip>
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
      traces={session.traces}
      selectedId={selectedId}
      toolbar={toolbar}
      empty={empty}
      onSelect={(logId) => navigate(logId === undefined ? '/logs' : routeOf('logs', 'line', logId))}
      onOpenTrace={(traceId, spanId) => {
        // Straight to the span that was active when the line was logged, when it arrived.
        const hasSpan = spanId !== undefined && session.traces.byId.get(traceId)?.spans.some((s) => s.spanId === spanId);
        navigate(hasSpan ? routeOf('traces', traceId, spanId as string) : routeOf('traces', traceId));
      }}
    />
  );
}
