import type { HttpGroup } from '../../data/http.ts';
import { useNavigate } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { formatDuration } from '../traces/duration.ts';
import { InsightsEmpty, Numeric, RepeatBadge, TableHeader } from './common.tsx';
import { useInsights } from './useInsights.ts';

const GRID = 'grid-cols-[minmax(0,1fr)_4.5rem_5.5rem_5rem_5rem_minmax(0,9rem)]';
/** Rows drawn at once; the rest are counted below the list. */
const MAX_ROWS = 500;

function statusClass(code: number): string {
  if (code === 0 || code >= 500) return 'text-red-300';
  if (code >= 400) return 'text-amber-200';
  return 'text-fg-muted';
}

function HttpRow({ group, onOpen }: { group: HttpGroup; onOpen: (traceId: string, spanId: string) => void }) {
  return (
    <li>
      <button
        type="button"
        data-testid="http-row"
        data-route={`${group.method} ${group.host}${group.route}`}
        onClick={() => onOpen(group.lastCall.span.traceId, group.lastCall.span.spanId)}
        className={`grid w-full ${GRID} items-center gap-3 border-b border-line/40 px-4 py-2 text-left text-[12.5px] hover:bg-surface-2`}
      >
        <span className="flex min-w-0 items-center gap-2">
          {group.repeated[0] !== undefined && <RepeatBadge repeat={group.repeated[0]} testId="http-repeated" />}
          <span className="shrink-0 font-mono text-[11.5px] font-semibold text-fg-muted">{group.method}</span>
          <span className="min-w-0 truncate font-mono text-[12px] text-fg" title={`${group.host}${group.route}`}>
            <span className="text-fg-faint">{group.host}</span>
            {group.route}
          </span>
        </span>
        <Numeric testId="http-count">{group.count}</Numeric>
        <Numeric>{formatDuration(group.totalMs)}</Numeric>
        <Numeric className="text-fg-muted">{formatDuration(group.p50)}</Numeric>
        <Numeric className="text-fg-muted">{formatDuration(group.p95)}</Numeric>
        <span data-testid="http-statuses" className="flex min-w-0 flex-wrap justify-end gap-x-2 font-mono text-[11.5px] tabular-nums">
          {[...group.statuses].map(([code, count]) => (
            <span key={code} className={statusClass(code)} title={code === 0 ? 'No response' : `HTTP ${code}`}>
              {code === 0 ? 'none' : code}×{count}
            </span>
          ))}
        </span>
      </button>
    </li>
  );
}

/** Outgoing requests grouped by method, host and route; a row opens its latest call in its trace. */
export function HttpView(_: { path: readonly string[] }) {
  const insights = useInsights();
  const navigate = useNavigate();
  const groups = insights.http;
  if (groups.length === 0) {
    return (
      <InsightsEmpty title="No outgoing requests yet" testId="http-empty">
        <p>
          <code className="font-mono text-fg">http.client</code> spans (fetch, http, axios, ...) show up here, grouped by method, host and
          route.
        </p>
      </InsightsEmpty>
    );
  }
  const repeated = insights.findings.filter((f) => f.kind === 'repeated-call');
  return (
    <div className="spotlight-scroll flex h-full min-h-0 flex-col overflow-auto">
      {repeated.length > 0 && (
        <section data-testid="repeated-calls" className="shrink-0 border-b border-line px-4 py-2.5">
          <h3 className="mb-1.5 text-[11px] font-semibold tracking-wider text-amber-200 uppercase">
            The same request sent {insights.options.repeatedCallMin} or more times in one trace
          </h3>
          <ul className="flex flex-col gap-1">
            {repeated.map((repeat) => (
              <li key={`${repeat.traceId}:${repeat.key}`}>
                <button
                  type="button"
                  onClick={() => navigate(routeOf('traces', repeat.traceId, repeat.spanIds[0] ?? ''))}
                  className="flex w-full min-w-0 items-center gap-2 rounded px-1.5 py-1 text-left hover:bg-surface-3"
                >
                  <RepeatBadge repeat={repeat} />
                  <span className="min-w-0 truncate font-mono text-[12px] text-fg">{repeat.key}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <TableHeader grid={GRID}>
        <span>Request</span>
        <span className="text-right">Calls</span>
        <span className="text-right">Total</span>
        <span className="text-right">p50</span>
        <span className="text-right">p95</span>
        <span className="text-right">Status</span>
      </TableHeader>
      <ul data-testid="http-list">
        {groups.slice(0, MAX_ROWS).map((group) => (
          <HttpRow key={group.key} group={group} onOpen={(traceId, spanId) => navigate(routeOf('traces', traceId, spanId))} />
        ))}
      </ul>
      {groups.length > MAX_ROWS && (
        <p className="px-4 py-2 text-xs text-fg-faint">{groups.length - MAX_ROWS} more routes, with less time spent, are not listed.</p>
      )}
    </div>
  );
}
