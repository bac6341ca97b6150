import { memo, type ReactNode, useMemo, useRef } from 'react';
import type { Trace } from '../../data/traces.ts';
import { Chip } from '../../ui/components.tsx';
import { formatDateTime, formatTimeAgo } from '../../ui/format.ts';
import { FilterInput, ListCount, ListToolbar, matchesWords, useListFilter } from '../../ui/listFilter.tsx';
import { useFixedRows } from '../../ui/virtualRows.ts';
import { PinButton } from '../sessions/PinButton.tsx';
import { formatDuration } from './duration.ts';
import { ServiceChip } from './ServiceChip.tsx';
import { serviceColor } from './serviceColors.ts';

const ROW_HEIGHT = 54;
const traceKey = (trace: Trace): string => trace.traceId;
const COLUMNS = 'grid-cols-[minmax(0,1fr)_minmax(0,15rem)_3.5rem_3.5rem_5rem_5.5rem_2.25rem]';

export const STATUS_BAR: Readonly<Record<Trace['status'], string>> = {
  ok: 'bg-emerald-400/80',
  error: 'bg-red-400',
  unknown: 'bg-slate-500',
};

function matches(trace: Trace, words: readonly string[]): boolean {
  return matchesWords([trace.name, trace.op, trace.traceId, trace.status, ...trace.services.map((s) => s.label)], words);
}

// Memoized: while the list scrolls it re-renders every frame, and only the rows that came into view need rendering.
const TraceRow = memo(function TraceRow({
  trace,
  now,
  top,
  pinned,
  serviceIndex,
  onOpen,
  onTogglePin,
}: {
  trace: Trace;
  now: number;
  top: number;
  pinned: boolean;
  serviceIndex: ReadonlyMap<string, number>;
  onOpen: (traceId: string) => void;
  onTogglePin: (traceId: string) => void;
}) {
  return (
    <div
      data-testid="trace-row"
      data-trace-id={trace.traceId}
      data-status={trace.status}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      className={`group absolute inset-x-0 top-0 grid ${COLUMNS} items-center gap-4 border-b border-line/70 pr-4 text-left has-[>button:hover]:bg-surface-2 has-[>button:focus-visible]:bg-surface-2 [&>*:not(button)]:pointer-events-none`}
    >
      {/* The whole row opens the trace; the pin button sits above it (rows cannot nest buttons). */}
      <button
        type="button"
        aria-label={`Open trace ${trace.name}`}
        onClick={() => onOpen(trace.traceId)}
        className="absolute inset-0 cursor-pointer focus-visible:outline-none"
      />
      <div className="flex min-w-0 items-stretch gap-3 self-stretch">
        <span aria-hidden="true" className={`w-[3px] shrink-0 ${STATUS_BAR[trace.status]}`} />
        <div className="flex min-w-0 flex-col justify-center gap-0.5 py-2">
          <div className="flex min-w-0 items-center gap-2">
            <span data-testid="trace-name" className="truncate font-semibold text-fg group-hover:text-white">
              {trace.name}
            </span>
            {trace.op !== undefined && <Chip>{trace.op}</Chip>}
          </div>
          <div className="flex min-w-0 items-center gap-2 text-[11.5px] text-fg-faint">
            <span className="font-mono">{trace.traceId.slice(0, 12)}</span>
            {trace.rootless && (
              <span
                data-testid="trace-rootless"
                title="No span without parent arrived: the root of this trace is missing"
                className="text-amber-300/90"
              >
                no root
              </span>
            )}
            {trace.orphanCount > 0 && (
              <span title="Spans whose parent span never arrived" className="text-amber-300/90">
                {trace.orphanCount} orphan{trace.orphanCount === 1 ? '' : 's'}
              </span>
            )}
            {trace.logs.length > 0 && (
              <span>
                {trace.logs.length} log{trace.logs.length === 1 ? '' : 's'}
              </span>
            )}
          </div>
        </div>
      </div>
      <div data-testid="trace-services" className="flex min-w-0 flex-wrap gap-1">
        {trace.services.slice(0, 2).map((service) => (
          <ServiceChip key={service.key} service={service} color={serviceColor(serviceIndex.get(service.key) ?? 0)} />
        ))}
        {trace.services.length > 2 && <Chip title={trace.services.map((s) => s.label).join('\n')}>+{trace.services.length - 2}</Chip>}
      </div>
      <span data-testid="trace-span-count" className="text-right tabular-nums text-fg-muted">
        {trace.spans.length}
      </span>
      <span
        data-testid="trace-error-count"
        className={`text-right tabular-nums ${trace.errors.length > 0 ? 'font-semibold text-red-300' : 'text-fg-faint'}`}
      >
        {trace.errors.length}
      </span>
      <span data-testid="trace-duration" className="text-right font-mono text-[12px] tabular-nums text-fg">
        {formatDuration(trace.duration)}
      </span>
      <span title={formatDateTime(trace.start)} className="text-right text-[11.5px] tabular-nums text-fg-muted">
        {formatTimeAgo(trace.start, now)}
      </span>
      <PinButton compact pinned={pinned} onToggle={() => onTogglePin(trace.traceId)} />
    </div>
  );
});

/** Traces, newest first; virtualized. `toolbar` holds the session selector; `empty` shows when there are none. */
export function TraceList({
  traces,
  pinned,
  now,
  toolbar,
  empty,
  onOpen,
  onTogglePin,
}: {
  traces: readonly Trace[];
  pinned: ReadonlySet<string>;
  now: number;
  toolbar?: ReactNode;
  empty: ReactNode;
  onOpen: (traceId: string) => void;
  onTogglePin: (traceId: string) => void;
}) {
  const { query, setQuery, shown, words } = useListFilter();
  const filtered = useMemo(() => traces.filter((trace) => matches(trace, words)), [traces, words]);
  // Service colours stay the same in every row: by order of first appearance over the list.
  const serviceIndex = useMemo(() => {
    const index = new Map<string, number>();
    for (let i = traces.length - 1; i >= 0; i--)
      for (const s of traces[i]?.services ?? []) if (!index.has(s.key)) index.set(s.key, index.size);
    return index;
  }, [traces]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useFixedRows({ rows: filtered, keyOf: traceKey, rowHeight: ROW_HEIGHT, overscan: 4, scrollRef });
  const spans = useMemo(() => traces.reduce((sum, t) => sum + t.spans.length, 0), [traces]);

  return (
    <div className="flex h-full flex-col">
      <ListToolbar>
        {toolbar}
        <FilterInput testId="trace-filter" label="Filter traces" value={query} onChange={setQuery} widthClass="w-60 max-w-[40%]" />
        <ListCount testId="trace-summary" shown={filtered.length} total={traces.length} noun={['trace', 'traces']}>
          {` · ${spans} ${spans === 1 ? 'span' : 'spans'}`}
        </ListCount>
      </ListToolbar>
      {traces.length === 0 ? (
        empty
      ) : (
        <>
          <div
            className={`grid shrink-0 ${COLUMNS} gap-4 border-b border-line bg-surface-2/40 py-1.5 pr-4 pl-[15px] text-[11px] font-medium tracking-wider text-fg-faint uppercase`}
          >
            <span>Trace</span>
            <span>Services</span>
            <span className="text-right">Spans</span>
            <span className="text-right">Errors</span>
            <span className="text-right">Duration</span>
            <span className="text-right">Started</span>
            <span className="sr-only">Pin</span>
          </div>
          <section ref={scrollRef} aria-label="Traces" data-testid="trace-list" className="spotlight-scroll min-h-0 flex-1 overflow-auto">
            {filtered.length === 0 ? (
              <p className="px-5 py-6 text-fg-muted">No trace matches “{shown}”.</p>
            ) : (
              <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const trace = filtered[item.index];
                  return trace ? (
                    <TraceRow
                      key={item.key}
                      trace={trace}
                      now={now}
                      top={item.start}
                      pinned={pinned.has(trace.traceId)}
                      serviceIndex={serviceIndex}
                      onOpen={onOpen}
                      onTogglePin={onTogglePin}
                    />
                  ) : null;
                })}
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
