import { useMemo } from 'react';
import type { TraceInsights } from '../../data/insights.ts';
import type { Trace } from '../../data/traces.ts';
import { Chip, Icon } from '../../ui/components.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { RepeatBadge } from '../insights/common.tsx';
import { PinButton } from '../sessions/PinButton.tsx';
import { formatDuration } from './duration.ts';
import { SpanDetail, TraceSummary } from './SpanDetail.tsx';
import { serviceColor } from './serviceColors.ts';
import { STATUS_BAR } from './TraceList.tsx';
import { Waterfall } from './Waterfall.tsx';

/** One trace: header, waterfall, and a side panel (the selected span, else the trace's services, errors and logs). */
export function TraceDetail({
  trace,
  selectedSpanId,
  pinned,
  onBack,
  onSelectSpan,
  onTogglePin,
  onOpenError,
  onOpenLog,
  insights,
  profiledSpanIds,
  onOpenProfile,
}: {
  trace: Trace;
  selectedSpanId: string | undefined;
  /** N+1 loops and repeated calls found in the trace. */
  insights?: TraceInsights | undefined;
  /** Spans a profile covers: their detail links to the flame graph. */
  profiledSpanIds?: ReadonlySet<string>;
  onOpenProfile?: (spanId: string) => void;
  pinned: boolean;
  onBack: () => void;
  onSelectSpan: (spanId: string | undefined) => void;
  onTogglePin: () => void;
  onOpenError: (eventId: string) => void;
  onOpenLog: (logId: string) => void;
}) {
  const colors = useMemo(() => new Map(trace.services.map((s, i) => [s.key, serviceColor(i)])), [trace]);
  const selected = selectedSpanId !== undefined ? trace.spans.find((s) => s.spanId === selectedSpanId) : undefined;
  return (
    <div data-testid="trace-detail" data-trace-id={trace.traceId} className="flex h-full min-h-0 flex-col">
      <header className="flex shrink-0 items-center gap-3 border-b border-line px-4 py-2.5">
        <button
          type="button"
          data-testid="trace-back"
          onClick={onBack}
          className="flex items-center gap-1 rounded-md px-1.5 py-1 text-xs text-fg-muted hover:bg-surface-3 hover:text-fg"
        >
          <Icon name="left" className="size-3.5" />
          Traces
        </button>
        <span aria-hidden="true" className={`h-8 w-[3px] shrink-0 rounded-full ${STATUS_BAR[trace.status]}`} />
        <div className="flex min-w-0 flex-col">
          <div className="flex min-w-0 items-center gap-2">
            <h2 data-testid="trace-title" className="truncate text-[15px] font-semibold text-fg">
              {trace.name}
            </h2>
            {trace.op !== undefined && <Chip>{trace.op}</Chip>}
            {trace.rootless && <Chip title="No root span arrived">no root</Chip>}
          </div>
          <div className="flex min-w-0 items-center gap-3 text-[11.5px] text-fg-faint">
            <span className="font-mono" title="Trace id">
              {trace.traceId}
            </span>
            <span title={formatDateTime(trace.start)}>{formatDateTime(trace.start)}</span>
          </div>
        </div>
        {insights !== undefined && insights.findings.length > 0 && (
          <div data-testid="trace-findings" className="flex min-w-0 shrink flex-col gap-1">
            {insights.findings.slice(0, 3).map((finding) => (
              <button
                type="button"
                key={`${finding.parentSpanId ?? ''}:${finding.key}`}
                data-testid="trace-n-plus-one"
                data-kind={finding.kind}
                data-count={finding.count}
                title={finding.key}
                onClick={() => onSelectSpan(finding.spanIds[0])}
                className="flex min-w-0 items-center gap-2 rounded px-1 text-left hover:bg-surface-3"
              >
                <RepeatBadge repeat={finding} />
                <span data-testid="trace-n-plus-one-statement" className="min-w-0 truncate font-mono text-[11.5px] text-amber-100/80">
                  {finding.key}
                </span>
              </button>
            ))}
          </div>
        )}
        <dl className="ml-auto flex shrink-0 items-center gap-5 text-right text-[11px]">
          <div>
            <dt className="text-fg-faint uppercase tracking-wider">Duration</dt>
            <dd data-testid="trace-detail-duration" className="font-mono text-[13px] text-fg tabular-nums">
              {formatDuration(trace.duration)}
            </dd>
          </div>
          <div>
            <dt className="text-fg-faint uppercase tracking-wider">Spans</dt>
            <dd className="text-[13px] text-fg tabular-nums">{trace.spans.length}</dd>
          </div>
          <div>
            <dt className="text-fg-faint uppercase tracking-wider">Services</dt>
            <dd className="text-[13px] text-fg tabular-nums">{trace.services.length}</dd>
          </div>
          <div>
            <dt className="text-fg-faint uppercase tracking-wider">Errors</dt>
            <dd className={`text-[13px] tabular-nums ${trace.errors.length > 0 ? 'font-semibold text-red-300' : 'text-fg'}`}>
              {trace.errors.length}
            </dd>
          </div>
        </dl>
        <PinButton pinned={pinned} onToggle={onTogglePin} />
      </header>
      <div className="flex min-h-0 flex-1">
        <div className="min-w-0 flex-1">
          <Waterfall
            trace={trace}
            selectedSpanId={selected?.spanId}
            repeats={insights?.repeats}
            onSelect={(id) => onSelectSpan(id === selected?.spanId ? undefined : id)}
          />
        </div>
        <aside className="flex w-[25rem] max-w-[40%] shrink-0 flex-col border-l border-line bg-surface-2/30">
          {selected ? (
            <SpanDetail
              trace={trace}
              span={selected}
              color={colors.get(selected.service.key)}
              repeat={insights?.repeats.get(selected.spanId)}
              onOpenProfile={profiledSpanIds?.has(selected.spanId) && onOpenProfile ? () => onOpenProfile(selected.spanId) : undefined}
              onClose={() => onSelectSpan(undefined)}
              onOpenError={onOpenError}
              onOpenLog={onOpenLog}
            />
          ) : (
            <TraceSummary trace={trace} colors={colors} onOpenError={onOpenError} onOpenLog={onOpenLog} />
          )}
        </aside>
      </div>
    </div>
  );
}
