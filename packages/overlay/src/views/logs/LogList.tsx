import { type ReactNode, useMemo, useRef, useState } from 'react';
import { type LogLevel, type LogRow, userAttributes } from '../../data/logs.ts';
import type { TraceHeads } from '../../data/traceHeads.ts';
import { Chip, Icon, KeyValueTable } from '../../ui/components.tsx';
import { formatClock, formatDateTime } from '../../ui/format.ts';
import { FilterInput, ListCount, ListToolbar, matchesWords, useListFilter } from '../../ui/listFilter.tsx';
import { useFixedRows } from '../../ui/virtualRows.ts';
import { ServiceChip } from '../traces/ServiceChip.tsx';
import { serviceColor } from '../traces/serviceColors.ts';
import { LogLevelBadge } from './logLevels.tsx';

const ROW_HEIGHT = 30;
const logKey = (log: LogRow): string => log.id;
const COLUMNS = 'grid-cols-[6.5rem_3.5rem_minmax(0,1fr)_minmax(0,12rem)_minmax(0,9rem)]';
const LEVEL_ORDER: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function matches(log: LogRow, words: readonly string[]): boolean {
  return matchesWords(
    [log.message, log.level, log.service.label, log.traceId, ...userAttributes(log.attributes).map(([k, v]) => `${k}=${attributeText(v)}`)],
    words,
  );
}

function LogLine({
  log,
  top,
  selected,
  traceName,
  colorIndex,
  onSelect,
  onOpenTrace,
}: {
  log: LogRow;
  top: number;
  selected: boolean;
  traceName: string | undefined;
  colorIndex: number;
  onSelect: (logId: string) => void;
  onOpenTrace: (traceId: string, spanId?: string) => void;
}) {
  const attributes = userAttributes(log.attributes).slice(0, 3);
  return (
    <div
      data-testid="log-row"
      data-log-id={log.id}
      data-level={log.level}
      data-selected={selected ? '' : undefined}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      className={`absolute inset-x-0 top-0 grid ${COLUMNS} items-center gap-3 border-b border-line/40 px-4 text-[12.5px] [&>*:not(button)]:pointer-events-none ${
        selected ? 'bg-accent/12' : 'has-[>button:hover]:bg-surface-2 has-[>button:focus-visible]:bg-surface-2'
      } ${log.level === 'error' || log.level === 'fatal' ? 'bg-red-500/[0.04]' : ''}`}
    >
      {/* The whole row shows the line's details; the trace link sits above it (rows cannot nest buttons). */}
      <button
        type="button"
        aria-label={`Log: ${log.message.slice(0, 80)}`}
        aria-pressed={selected}
        onClick={() => onSelect(log.id)}
        className="absolute inset-0 cursor-pointer focus-visible:outline-none"
      />
      <span title={formatDateTime(log.timestamp)} className="font-mono text-[11.5px] tabular-nums text-fg-faint">
        {formatClock(log.timestamp)}
      </span>
      <LogLevelBadge level={log.level} />
      <span className="flex min-w-0 items-center gap-2">
        <span data-testid="log-message" className="min-w-0 truncate font-mono text-[12px] text-fg" title={log.message}>
          {log.message}
        </span>
        {attributes.map(([key, value]) => (
          <Chip key={key} title={`${key}: ${attributeText(value)}`}>
            <span className="text-fg-faint">{key}=</span>
            {attributeText(value).slice(0, 40)}
          </Chip>
        ))}
      </span>
      <span className="min-w-0">
        <ServiceChip service={log.service} color={serviceColor(colorIndex)} />
      </span>
      <span className="min-w-0 text-right">
        {log.traceId !== undefined && (
          <button
            type="button"
            data-testid="log-trace-link"
            data-trace-id={log.traceId}
            title={`Open trace ${log.traceId}`}
            onClick={(event) => {
              event.stopPropagation();
              onOpenTrace(log.traceId as string, log.spanId);
            }}
            className="pointer-events-auto relative inline-flex max-w-full items-center gap-1 rounded px-1 text-[11.5px] text-accent hover:bg-accent/10 hover:underline"
          >
            <Icon name="link" className="size-3 shrink-0" />
            <span className="truncate">{traceName ?? log.traceId.slice(0, 8)}</span>
          </button>
        )}
      </span>
    </div>
  );
}

function LogDetail({
  log,
  traceName,
  onClose,
  onOpenTrace,
}: {
  log: LogRow;
  traceName: string | undefined;
  onClose: () => void;
  onOpenTrace: (traceId: string, spanId?: string) => void;
}) {
  const facts: [string, unknown][] = [
    ['time', formatDateTime(log.timestamp)],
    ['level', log.severityNumber !== undefined ? `${log.level} (severity ${log.severityNumber})` : log.level],
    ['service', log.service.label],
  ];
  if (log.template !== undefined) facts.push(['template', log.template]);
  log.parameters.forEach((value, i) => {
    facts.push([`parameter ${i}`, value]);
  });
  if (log.spanId !== undefined) facts.push(['span id', log.spanId]);
  const attributes = Object.entries(log.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div data-testid="log-detail" data-log-id={log.id} className="flex min-h-0 flex-1 flex-col">
      <header className="flex items-start gap-2 border-b border-line px-4 py-3">
        <div className="flex min-w-0 flex-col gap-2">
          <LogLevelBadge level={log.level} />
          <p className="font-mono text-[12.5px] break-words whitespace-pre-wrap text-fg">{log.message}</p>
        </div>
        <button
          type="button"
          aria-label="Close log"
          onClick={onClose}
          className="ml-auto rounded-md p-1 text-fg-muted hover:bg-surface-3 hover:text-fg"
        >
          <Icon name="close" />
        </button>
      </header>
      <div className="spotlight-scroll min-h-0 flex-1 overflow-auto">
        {log.traceId !== undefined && (
          <div className="border-b border-line px-4 py-3">
            <button
              type="button"
              data-testid="log-detail-trace-link"
              onClick={() => onOpenTrace(log.traceId as string, log.spanId)}
              className="flex w-full min-w-0 items-center gap-2 rounded-md border border-accent/30 bg-accent/5 px-2.5 py-1.5 text-left hover:bg-accent/10"
            >
              <Icon name="link" className="size-3.5 shrink-0 text-accent" />
              <span className="truncate text-fg">{traceName ?? 'Trace'}</span>
              <span className="ml-auto shrink-0 font-mono text-[11px] text-fg-faint">{log.traceId.slice(0, 12)}</span>
            </button>
          </div>
        )}
        <section className="border-b border-line px-4 py-3">
          <KeyValueTable rows={facts} />
        </section>
        <section className="px-4 py-3">
          <h3 className="mb-2 text-[11px] font-semibold tracking-wider text-fg-muted uppercase">Attributes</h3>
          <KeyValueTable rows={attributes} testId="log-attribute-table" />
        </section>
      </div>
    </div>
  );
}

/** Log lines, newest first; virtualized, with a level floor and a text filter. */
export function LogList({
  logs,
  traces,
  selectedId,
  toolbar,
  empty,
  onSelect,
  onOpenTrace,
}: {
  logs: readonly LogRow[];
  traces: TraceHeads;
  selectedId: string | undefined;
  toolbar?: ReactNode;
  empty: ReactNode;
  onSelect: (logId: string | undefined) => void;
  onOpenTrace: (traceId: string, spanId?: string) => void;
}) {
  const { query, setQuery, words } = useListFilter();
  const [minLevel, setMinLevel] = useState<LogLevel>('trace');
  const filtered = useMemo(() => {
    const floor = LEVEL_ORDER.indexOf(minLevel);
    return logs.filter((log) => LEVEL_ORDER.indexOf(log.level) >= floor && matches(log, words));
  }, [logs, words, minLevel]);
  const colorIndex = useMemo(() => {
    const index = new Map<string, number>();
    for (let i = logs.length - 1; i >= 0; i--) {
      const key = logs[i]?.service.key;
      if (key !== undefined && !index.has(key)) index.set(key, index.size);
    }
    return index;
  }, [logs]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useFixedRows({ rows: filtered, keyOf: logKey, rowHeight: ROW_HEIGHT, overscan: 20, scrollRef });
  const selected = selectedId !== undefined ? logs.find((l) => l.id === selectedId) : undefined;

  return (
    <div className="flex h-full flex-col">
      <ListToolbar>
        {toolbar}
        <select
          data-testid="log-level-filter"
          aria-label="Lowest level shown"
          value={minLevel}
          onChange={(e) => setMinLevel(e.target.value as LogLevel)}
          className="h-7 rounded-md border border-line bg-surface-0 px-2 text-[12.5px] text-fg focus:border-accent/70 focus:outline-none"
        >
          {LEVEL_ORDER.map((level) => (
            <option key={level} value={level}>
              {level === 'trace' ? 'All levels' : `${level} and above`}
            </option>
          ))}
        </select>
        <FilterInput testId="log-filter" label="Filter logs" value={query} onChange={setQuery} widthClass="w-60 max-w-[35%]" />
        <ListCount testId="log-summary" shown={filtered.length} total={logs.length} noun={['line', 'lines']} />
      </ListToolbar>
      {logs.length === 0 ? (
        empty
      ) : (
        <div className="flex min-h-0 flex-1">
          <div className="flex min-w-0 flex-1 flex-col">
            <div
              className={`grid shrink-0 ${COLUMNS} gap-3 border-b border-line bg-surface-2/40 px-4 py-1.5 text-[11px] font-medium tracking-wider text-fg-faint uppercase`}
            >
              <span>Time</span>
              <span>Level</span>
              <span>Message</span>
              <span>Service</span>
              <span className="text-right">Trace</span>
            </div>
            <section ref={scrollRef} aria-label="Logs" data-testid="log-list" className="spotlight-scroll min-h-0 flex-1 overflow-auto">
              {filtered.length === 0 ? (
                <p className="px-5 py-6 text-fg-muted">No log line matches.</p>
              ) : (
                <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
                  {virtualizer.getVirtualItems().map((item) => {
                    const log = filtered[item.index];
                    return log ? (
                      <LogLine
                        key={item.key}
                        log={log}
                        top={item.start}
                        selected={log.id === selected?.id}
                        traceName={log.traceId !== undefined ? traces.byId.get(log.traceId)?.name : undefined}
                        colorIndex={colorIndex.get(log.service.key) ?? 0}
                        onSelect={(id) => onSelect(id === selected?.id ? undefined : id)}
                        onOpenTrace={onOpenTrace}
                      />
                    ) : null;
                  })}
                </div>
              )}
            </section>
          </div>
          {selected && (
            <aside className="flex w-[25rem] max-w-[40%] shrink-0 flex-col border-l border-line bg-surface-2/30">
              <LogDetail
                log={selected}
                traceName={selected.traceId !== undefined ? traces.byId.get(selected.traceId)?.name : undefined}
                onClose={() => onSelect(undefined)}
                onOpenTrace={onOpenTrace}
              />
            </aside>
          )}
        </div>
      )}
    </div>
  );
}
