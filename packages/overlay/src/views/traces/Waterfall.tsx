import { useMemo, useRef, useState } from 'react';
import type { Repeat } from '../../data/queries.ts';
import type { Span } from '../../data/spans.ts';
import { nodeKey, type Trace, type WaterfallRow, waterfallRows } from '../../data/traces.ts';
import { Chevron } from '../../ui/components.tsx';
import { useFixedRows } from '../../ui/virtualRows.ts';
import { RepeatBadge } from '../insights/common.tsx';
import { formatDuration, timelineTicks } from './duration.ts';
import { ServiceChip } from './ServiceChip.tsx';
import { ERROR_BAR, type ServiceColor, serviceColor } from './serviceColors.ts';

const ROW_HEIGHT = 28;
const rowKey = (row: WaterfallRow): string => row.key;
const INDENT = 14;
const GRID = 'grid-cols-[minmax(0,46%)_minmax(0,1fr)]';

interface Range {
  readonly start: number;
  readonly end: number;
}

function position(range: Range, start: number, end: number): { left: string; width: string } {
  const total = Math.max(range.end - range.start, 0.001);
  const left = Math.min(Math.max((start - range.start) / total, 0), 1);
  const width = Math.min(Math.max((end - start) / total, 0), 1 - left);
  return { left: `${(left * 100).toFixed(3)}%`, width: `max(2px, ${(width * 100).toFixed(3)}%)` };
}

/** Where a bar's duration fits: after it, before it, or (a bar spanning the whole row) inside its end. */
export function labelPlacement(range: Range, span: { start: number; end: number }): 'after' | 'before' | 'inside' {
  const total = Math.max(range.end - range.start, 0.001);
  const left = (span.start - range.start) / total;
  const right = (span.end - range.start) / total;
  if (right <= 0.85) return 'after';
  return left >= 0.15 ? 'before' : 'inside';
}

function spanRange(row: WaterfallRow): Range {
  // A missing parent covers the time of the spans it would have held.
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const child of row.node.children) {
    if (child.kind !== 'span') continue;
    start = Math.min(start, child.span.start);
    end = Math.max(end, child.span.end);
  }
  return { start, end };
}

function Toggle({ row, collapsed, onToggle }: { row: WaterfallRow; collapsed: boolean; onToggle: () => void }) {
  if (!row.hasChildren) return <span aria-hidden="true" className="w-4 shrink-0" />;
  return (
    <button
      type="button"
      aria-label={collapsed ? 'Expand' : 'Collapse'}
      aria-expanded={!collapsed}
      onClick={(event) => {
        event.stopPropagation();
        onToggle();
      }}
      className="pointer-events-auto relative flex w-4 shrink-0 items-center justify-center rounded text-fg-faint hover:bg-surface-3 hover:text-fg"
    >
      <Chevron open={!collapsed} />
    </button>
  );
}

function SpanRow({
  row,
  span,
  range,
  color,
  hasError,
  repeat,
  selected,
  collapsed,
  top,
  onSelect,
  onToggle,
}: {
  row: WaterfallRow;
  span: Span;
  range: Range;
  color: ServiceColor;
  hasError: boolean;
  repeat: Repeat | undefined;
  selected: boolean;
  collapsed: boolean;
  top: number;
  onSelect: (spanId: string) => void;
  onToggle: () => void;
}) {
  const bar = position(range, span.start, span.end);
  const label = labelPlacement(range, span);
  return (
    <div
      data-testid="span-row"
      data-span-id={span.spanId}
      data-depth={row.depth}
      data-selected={selected ? '' : undefined}
      data-status={span.failed ? 'error' : (span.status ?? 'unknown')}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      className={`absolute inset-x-0 top-0 grid ${GRID} items-center border-b border-line/40 text-[12.5px] [&>*:not(button)]:pointer-events-none ${
        selected
          ? 'bg-accent/12 ring-1 ring-inset ring-accent/40'
          : 'has-[>button:hover]:bg-surface-2 has-[>button:focus-visible]:bg-surface-2'
      }`}
    >
      {/* The whole row selects the span; the collapse toggle sits above it (rows cannot nest buttons). */}
      <button
        type="button"
        aria-label={`Span ${span.name}`}
        aria-pressed={selected}
        onClick={() => onSelect(span.spanId)}
        className="absolute inset-0 cursor-pointer focus-visible:outline-none"
      />
      <div className="flex min-w-0 items-center gap-1.5 pr-3" style={{ paddingLeft: 12 + row.depth * INDENT }}>
        <Toggle row={row} collapsed={collapsed} onToggle={onToggle} />
        {hasError && (
          <span
            data-testid="span-error-marker"
            title="An error was captured in this span"
            className="size-1.5 shrink-0 rounded-full bg-red-400"
          />
        )}
        {span.op !== undefined && <span className="shrink-0 font-mono text-[11.5px] text-fg-muted">{span.op}</span>}
        {repeat !== undefined && <RepeatBadge repeat={repeat} testId="span-n-plus-one" compact />}
        <span data-testid="span-name" className={`min-w-0 truncate ${span.failed ? 'text-red-300' : 'text-fg'}`} title={span.name}>
          {span.name}
        </span>
        <span className="ml-auto pl-2">
          <ServiceChip service={span.service} color={color} />
        </span>
      </div>
      <div className="relative h-full border-l border-line/60">
        <div
          aria-hidden="true"
          className={`absolute top-1/2 h-3 -translate-y-1/2 rounded-sm ${span.failed ? ERROR_BAR : color.bar}`}
          style={{ left: bar.left, width: bar.width }}
        />
        <span
          data-testid="span-duration"
          className={`absolute top-1/2 -translate-y-1/2 px-1.5 font-mono text-[11px] whitespace-nowrap tabular-nums ${
            label === 'inside'
              ? '-translate-x-full font-semibold text-surface-0'
              : label === 'before'
                ? '-translate-x-full text-fg-muted'
                : 'text-fg-muted'
          }`}
          style={label === 'before' ? { left: bar.left } : { left: `calc(${bar.left} + ${bar.width})` }}
        >
          {formatDuration(span.duration)}
        </span>
      </div>
    </div>
  );
}

function MissingParentRow({
  row,
  range,
  collapsed,
  top,
  onToggle,
}: {
  row: WaterfallRow;
  range: Range;
  collapsed: boolean;
  top: number;
  onToggle: () => void;
}) {
  if (row.node.kind !== 'missing-parent') return null;
  const covered = spanRange(row);
  const bar = position(range, covered.start, covered.end);
  const loop = row.node.reason === 'loop';
  return (
    <div
      data-testid="missing-parent-row"
      data-parent-span-id={row.node.parentSpanId}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      className={`absolute inset-x-0 top-0 grid ${GRID} items-center border-b border-line/40 bg-amber-400/[0.04] text-[12px]`}
    >
      <div className="flex min-w-0 items-center gap-1.5 pr-3" style={{ paddingLeft: 12 + row.depth * INDENT }}>
        <Toggle row={row} collapsed={collapsed} onToggle={onToggle} />
        <span aria-hidden="true" className="text-amber-300">
          ⚠
        </span>
        <span className="truncate text-amber-200/90 italic">
          {loop ? 'Spans whose parents point at each other' : 'Parent span never arrived'}{' '}
          <span className="font-mono not-italic text-amber-200/60">{row.node.parentSpanId.slice(0, 16)}</span>
        </span>
        <span className="ml-auto shrink-0 pl-2 text-[11px] text-fg-faint">{row.node.children.length} orphaned</span>
      </div>
      <div className="relative h-full border-l border-line/60">
        <div
          aria-hidden="true"
          className="absolute top-1/2 h-3 -translate-y-1/2 rounded-sm border border-dashed border-amber-300/50"
          style={{ left: bar.left, width: bar.width }}
        />
      </div>
    </div>
  );
}

/**
 * The trace's spans as an indented tree with bars placed on the trace's timeline. Virtualized:
 * traces with thousands of spans scroll smoothly.
 */
export function Waterfall({
  trace,
  selectedSpanId,
  repeats,
  onSelect,
}: {
  trace: Trace;
  selectedSpanId: string | undefined;
  /** Spans of an N+1 loop or a repeated call (see data/insights.ts), marked on their rows. */
  repeats?: ReadonlyMap<string, Repeat>;
  onSelect: (spanId: string) => void;
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => waterfallRows(trace, collapsed), [trace, collapsed]);
  const colors = useMemo(() => new Map(trace.services.map((s, i) => [s.key, serviceColor(i)])), [trace]);
  const range: Range = { start: trace.start, end: trace.end };
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useFixedRows({ rows, keyOf: rowKey, rowHeight: ROW_HEIGHT, overscan: 20, scrollRef });
  const toggle = (key: string) => {
    const next = new Set(collapsed);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setCollapsed(next);
  };

  return (
    <div className="flex h-full min-w-0 flex-col">
      <div className={`grid shrink-0 ${GRID} border-b border-line bg-surface-2/40 text-[11px] text-fg-faint`}>
        <span className="px-3 py-1.5 font-medium tracking-wider uppercase">Span</span>
        <div className="relative border-l border-line/60">
          {timelineTicks(trace.duration).map((tick) => (
            <span
              key={tick.at}
              className={`absolute top-1/2 -translate-y-1/2 font-mono tabular-nums ${tick.at === 1 ? '-translate-x-full pr-1.5' : tick.at === 0 ? 'pl-1.5' : '-translate-x-1/2'}`}
              style={{ left: `${tick.at * 100}%` }}
            >
              {tick.label}
            </span>
          ))}
        </div>
      </div>
      <section
        ref={scrollRef}
        aria-label="Spans"
        data-testid="waterfall"
        className="spotlight-scroll relative min-h-0 flex-1 overflow-auto"
      >
        <div aria-hidden="true" className={`pointer-events-none absolute inset-0 grid ${GRID}`}>
          <span />
          <div className="relative">
            {[0.25, 0.5, 0.75].map((at) => (
              <span key={at} className="absolute inset-y-0 border-l border-line/30" style={{ left: `${at * 100}%` }} />
            ))}
          </div>
        </div>
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            const key = nodeKey(row.node);
            if (row.node.kind === 'missing-parent') {
              return (
                <MissingParentRow
                  key={item.key}
                  row={row}
                  range={range}
                  collapsed={collapsed.has(key)}
                  top={item.start}
                  onToggle={() => toggle(key)}
                />
              );
            }
            const { span } = row.node;
            return (
              <SpanRow
                key={item.key}
                row={row}
                span={span}
                range={range}
                color={colors.get(span.service.key) ?? serviceColor(0)}
                hasError={trace.errorSpanIds.has(span.spanId)}
                repeat={repeats?.get(span.spanId)}
                selected={selectedSpanId === span.spanId}
                collapsed={collapsed.has(key)}
                top={item.start}
                onSelect={onSelect}
                onToggle={() => toggle(key)}
              />
            );
          })}
        </div>
      </section>
    </div>
  );
}
