import { memo, useMemo, useRef } from 'react';
import { hashGrouping } from '../../data/grouping.ts';
import type { InsightsIndex } from '../../data/insights.ts';
import type { QueryGroup, Repeat } from '../../data/queries.ts';
import { Icon } from '../../ui/components.tsx';
import { useNavigate } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { useFixedRows } from '../../ui/virtualRows.ts';
import { formatDuration } from '../traces/duration.ts';
import { InsightsEmpty, Numeric, RepeatBadge, SlowBadge, TableHeader } from './common.tsx';
import { useInsights } from './useInsights.ts';

const ROW_HEIGHT = 34;
const GRID = 'grid-cols-[minmax(0,1fr)_4.5rem_5.5rem_5rem_5rem_4rem]';
const groupId = (group: QueryGroup): string => hashGrouping([group.key]);

const QueryRow = memo(function QueryRow({
  group,
  top,
  selected,
  slowQueryMs,
  onOpen,
}: {
  group: QueryGroup;
  top: number;
  selected: boolean;
  slowQueryMs: number;
  onOpen: (id: string) => void;
}) {
  const worst = group.nPlusOne[0];
  return (
    <button
      type="button"
      data-testid="query-row"
      data-statement={group.statement}
      data-selected={selected ? '' : undefined}
      onClick={() => onOpen(groupId(group))}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      className={`absolute inset-x-0 top-0 grid ${GRID} items-center gap-3 border-b border-line/40 px-4 text-left text-[12.5px] ${selected ? 'bg-accent/12' : 'hover:bg-surface-2'}`}
    >
      <span className="flex min-w-0 items-center gap-2">
        {worst !== undefined && <RepeatBadge repeat={worst} testId="query-n-plus-one" />}
        {group.slowCount > 0 && <SlowBadge title={`${group.slowCount} of its runs took over ${formatDuration(slowQueryMs)}`} />}
        <span data-testid="query-statement" className="min-w-0 truncate font-mono text-[12px] text-fg" title={group.statement}>
          {group.statement}
        </span>
      </span>
      <Numeric testId="query-count">{group.count}</Numeric>
      <Numeric testId="query-total">{formatDuration(group.totalMs)}</Numeric>
      <Numeric className="text-fg-muted">{formatDuration(group.p50)}</Numeric>
      <Numeric className="text-fg-muted">{formatDuration(group.p95)}</Numeric>
      <Numeric className="text-fg-muted">{group.traceIds.length}</Numeric>
    </button>
  );
});

function NPlusOneList({
  insights,
  loops,
  onOpenSpan,
}: {
  insights: InsightsIndex;
  loops: readonly Repeat[];
  onOpenSpan: (traceId: string, spanId: string) => void;
}) {
  return (
    <ul className="flex flex-col gap-1.5">
      {loops.map((loop) => {
        const trace = insights.byTrace.get(loop.traceId)?.trace;
        const parent = trace?.spans.find((s) => s.spanId === loop.parentSpanId);
        return (
          <li key={`${loop.traceId}:${loop.parentSpanId}:${loop.key}`}>
            <button
              type="button"
              data-testid="n-plus-one-link"
              onClick={() => onOpenSpan(loop.traceId, loop.spanIds[0] ?? '')}
              className="flex w-full min-w-0 items-center gap-2 rounded-md border border-amber-300/20 bg-amber-400/5 px-2.5 py-1.5 text-left hover:border-amber-300/40"
            >
              <RepeatBadge repeat={loop} />
              <span className="min-w-0 truncate font-mono text-[12px] text-fg">{loop.key}</span>
              <span className="shrink-0 text-[12px] text-fg-muted">
                in <span className="text-fg">{trace?.name ?? loop.traceId.slice(0, 8)}</span>
                {parent !== undefined && parent !== trace?.rootSpan && <> under {parent.name}</>}
              </span>
              <Icon name="link" className="ml-auto size-3.5 shrink-0 text-fg-faint" />
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function QueryDetail({ group, insights, onClose }: { group: QueryGroup; insights: InsightsIndex; onClose: () => void }) {
  const navigate = useNavigate();
  const openSpan = (traceId: string, spanId: string) => navigate(routeOf('traces', traceId, spanId));
  return (
    <aside
      data-testid="query-detail"
      className="spotlight-scroll flex w-[28rem] max-w-[45%] shrink-0 flex-col overflow-auto border-l border-line bg-surface-2/30"
    >
      <header className="flex items-start gap-2 border-b border-line px-4 py-3">
        <pre className="min-w-0 flex-1 font-mono text-[12px] whitespace-pre-wrap break-words text-fg">{group.statement}</pre>
        <button
          type="button"
          aria-label="Close query"
          onClick={onClose}
          className="rounded-md p-1 text-fg-muted hover:bg-surface-3 hover:text-fg"
        >
          <Icon name="close" />
        </button>
      </header>
      <dl className="grid grid-cols-3 gap-3 border-b border-line px-4 py-3 text-[11px]">
        {[
          ['Runs', String(group.count)],
          ['Total', formatDuration(group.totalMs)],
          ['Slowest', formatDuration(group.maxMs)],
          ['p50', formatDuration(group.p50)],
          ['p95', formatDuration(group.p95)],
          ['Database', group.system ?? '–'],
        ].map(([label, value]) => (
          <div key={label}>
            <dt className="text-fg-faint uppercase tracking-wider">{label}</dt>
            <dd className="font-mono text-[13px] text-fg tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {group.nPlusOne.length > 0 && (
        <section className="border-b border-line px-4 py-3">
          <h3 className="mb-2 text-[11px] font-semibold tracking-wider text-amber-200 uppercase">N+1 loops</h3>
          <NPlusOneList insights={insights} loops={group.nPlusOne} onOpenSpan={openSpan} />
        </section>
      )}
      <section className="px-4 py-3">
        <h3 className="mb-2 text-[11px] font-semibold tracking-wider text-fg-muted uppercase">Traces ({group.traceIds.length})</h3>
        <ul className="flex flex-col">
          {group.traceIds.slice(0, 200).map((traceId) => {
            const trace = insights.byTrace.get(traceId);
            const runs = trace?.queries.runs.filter((r) => r.normalized === group.statement) ?? [];
            return (
              <li key={traceId}>
                <button
                  type="button"
                  data-testid="query-trace-link"
                  onClick={() => openSpan(traceId, runs[0]?.span.spanId ?? '')}
                  className="flex w-full min-w-0 items-center gap-2 rounded px-1.5 py-1 text-left hover:bg-surface-3"
                >
                  <span className="min-w-0 truncate text-fg">{trace?.trace.name ?? traceId}</span>
                  <span className="ml-auto shrink-0 font-mono text-[11px] text-fg-faint tabular-nums">
                    {runs.length}× · {formatDuration(runs.reduce((t, r) => t + r.span.duration, 0))}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
    </aside>
  );
}

/** Routes: `/insights/queries[/<query id>]`. */
export function QueriesView({ path }: { path: readonly string[] }) {
  const insights = useInsights();
  const navigate = useNavigate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const groups = insights.queries;
  const virtualizer = useFixedRows({ rows: groups, keyOf: groupId, rowHeight: ROW_HEIGHT, overscan: 12, scrollRef });
  const [selectedId] = path;
  const selected = useMemo(
    () => (selectedId === undefined ? undefined : groups.find((g) => groupId(g) === selectedId)),
    [groups, selectedId],
  );
  const loops = insights.findings.filter((f) => f.kind === 'n-plus-one');
  const onOpen = useMemo(() => (id: string) => navigate(routeOf('insights', 'queries', id)), [navigate]);
  if (groups.length === 0) {
    return (
      <InsightsEmpty title="No database queries yet" testId="queries-empty">
        <p>
          Spans with a <code className="font-mono text-fg">db</code> op or a <code className="font-mono text-fg">db.system</code> attribute
          show up here, grouped by statement. The SDKs' database integrations (pg, mysql2, Prisma, knex, ...) send them once tracing is on.
        </p>
      </InsightsEmpty>
    );
  }
  return (
    <div className="flex h-full min-h-0">
      <div className="flex min-w-0 flex-1 flex-col">
        {loops.length > 0 && (
          <section
            data-testid="n-plus-one-summary"
            className="spotlight-scroll max-h-44 shrink-0 overflow-auto border-b border-line px-4 py-2.5"
          >
            <h3 className="mb-1.5 text-[11px] font-semibold tracking-wider text-amber-200 uppercase">
              N+1 queries: the same statement run {insights.options.nPlusOneMin} or more times under one span
            </h3>
            <NPlusOneList
              insights={insights}
              loops={loops}
              onOpenSpan={(traceId, spanId) => navigate(routeOf('traces', traceId, spanId))}
            />
          </section>
        )}
        <TableHeader grid={GRID}>
          <span>Statement</span>
          <span className="text-right">Runs</span>
          <span className="text-right">Total</span>
          <span className="text-right">p50</span>
          <span className="text-right">p95</span>
          <span className="text-right">Traces</span>
        </TableHeader>
        <div ref={scrollRef} data-testid="queries-list" className="spotlight-scroll relative min-h-0 flex-1 overflow-auto">
          <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const group = groups[item.index];
              if (group === undefined) return null;
              return (
                <QueryRow
                  key={item.key}
                  group={group}
                  top={item.start}
                  selected={group === selected}
                  slowQueryMs={insights.options.slowQueryMs}
                  onOpen={onOpen}
                />
              );
            })}
          </div>
        </div>
      </div>
      {selected !== undefined && <QueryDetail group={selected} insights={insights} onClose={() => navigate('/insights/queries')} />}
    </div>
  );
}
