import type { ReactNode } from 'react';
import type { LogRow } from '../../data/logs.ts';
import type { Repeat } from '../../data/queries.ts';
import type { Span } from '../../data/spans.ts';
import type { Trace } from '../../data/traces.ts';
import type { TraceError } from '../../data/tracesErrors.ts';
import { Chip, Icon, KeyValueTable } from '../../ui/components.tsx';
import { formatClock } from '../../ui/format.ts';
import { RepeatBadge } from '../insights/common.tsx';
import { LogLevelBadge } from '../logs/logLevels.tsx';
import { formatDuration } from './duration.ts';
import { ServiceChip } from './ServiceChip.tsx';
import type { ServiceColor } from './serviceColors.ts';

function PanelSection({ title, children, testId, count }: { title: string; children: ReactNode; testId: string; count?: number }) {
  return (
    <section data-testid={testId} className="border-b border-line px-4 py-3">
      <h3 className="mb-2 flex items-center gap-2 text-[11px] font-semibold tracking-wider text-fg-muted uppercase">
        {title}
        {count !== undefined && <span className="rounded-full bg-surface-3 px-1.5 text-[10.5px] text-fg-muted tabular-nums">{count}</span>}
      </h3>
      {children}
    </section>
  );
}

/** The trace's errors; each opens its issue in the errors view. */
export function ErrorLinks({ errors, onOpenError }: { errors: readonly TraceError[]; onOpenError: (eventId: string) => void }) {
  if (errors.length === 0) return <p className="text-fg-faint">No errors.</p>;
  return (
    <ul className="flex flex-col gap-1">
      {errors.map((error) => (
        <li key={`${error.envelopeId}:${error.eventId}`}>
          <button
            type="button"
            data-testid="trace-error"
            data-event-id={error.eventId}
            onClick={() => onOpenError(error.eventId)}
            className="flex w-full min-w-0 flex-col gap-0.5 rounded-md border border-red-400/20 bg-red-500/5 px-2.5 py-1.5 text-left hover:border-red-400/40 hover:bg-red-500/10"
          >
            <span className="flex min-w-0 items-center gap-2">
              <span className="truncate font-medium text-red-200">{error.title}</span>
              <Icon name="link" className="ml-auto size-3.5 shrink-0 text-fg-faint" />
            </span>
            <span className="flex min-w-0 items-center gap-2 text-[11px] text-fg-faint">
              <span className="truncate">{error.service.label}</span>
              <span className="ml-auto shrink-0 font-mono tabular-nums">{formatClock(error.timestamp)}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The trace's log lines; each opens in the logs view. */
export function LogLinks({ logs, onOpenLog }: { logs: readonly LogRow[]; onOpenLog: (logId: string) => void }) {
  if (logs.length === 0) return <p className="text-fg-faint">No logs.</p>;
  return (
    <ul className="flex flex-col">
      {logs.map((log) => (
        <li key={log.id}>
          <button
            type="button"
            data-testid="trace-log"
            data-log-id={log.id}
            onClick={() => onOpenLog(log.id)}
            className="flex w-full min-w-0 items-center gap-2 rounded px-1.5 py-1 text-left hover:bg-surface-3"
          >
            <span className="shrink-0 font-mono text-[11px] tabular-nums text-fg-faint">{formatClock(log.timestamp).slice(0, 12)}</span>
            <LogLevelBadge level={log.level} />
            <span className="min-w-0 truncate text-fg">{log.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** One span: what it is, where it ran, when, and every attribute. */
export function SpanDetail({
  trace,
  span,
  color,
  onClose,
  onOpenError,
  onOpenLog,
  repeat,
  onOpenProfile,
}: {
  trace: Trace;
  span: Span;
  color: ServiceColor | undefined;
  /** The N+1 loop or repeated call this span is part of. */
  repeat?: Repeat | undefined;
  /** Opens the flame graph of the span's time, when a profile covers it. */
  onOpenProfile?: (() => void) | undefined;
  onClose: () => void;
  onOpenError: (eventId: string) => void;
  onOpenLog: (logId: string) => void;
}) {
  const errors = trace.errors.filter((e) => e.spanId === span.spanId);
  const logs = trace.logs.filter((l) => l.spanId === span.spanId);
  const attributes = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b));
  const facts: [string, unknown][] = [
    ['status', span.status ?? '(not sent)'],
    ['duration', formatDuration(span.duration)],
    ['start', `${formatClock(span.start)} (+${formatDuration(span.start - trace.start)})`],
    ['span id', span.spanId],
    ['parent span id', span.parentSpanId ?? '(root)'],
    ['trace id', span.traceId],
    ['sent as', span.source === 'span-v2' ? 'span-v2 container' : span.source === 'transaction' ? 'transaction' : 'span item'],
  ];
  return (
    <div data-testid="span-detail" data-span-id={span.spanId} className="flex min-h-0 flex-col">
      <header className="flex items-start gap-2 border-b border-line px-4 py-3">
        <div className="flex min-w-0 flex-col gap-1.5">
          <h2 className={`text-[14px] font-semibold break-words ${span.failed ? 'text-red-200' : 'text-fg'}`}>{span.name}</h2>
          <div className="flex flex-wrap items-center gap-1.5">
            {span.op !== undefined && <Chip>{span.op}</Chip>}
            <ServiceChip service={span.service} color={color} testId="span-detail-service" />
            {span.failed && <Chip>failed</Chip>}
          </div>
        </div>
        <button
          type="button"
          aria-label="Close span"
          data-testid="span-detail-close"
          onClick={onClose}
          className="ml-auto rounded-md p-1 text-fg-muted hover:bg-surface-3 hover:text-fg"
        >
          <Icon name="close" />
        </button>
      </header>
      <div className="spotlight-scroll min-h-0 flex-1 overflow-auto">
        {repeat !== undefined && (
          <PanelSection title={repeat.kind === 'n-plus-one' ? 'N+1 query' : 'Repeated request'} testId="span-repeat">
            <div className="flex flex-col gap-1.5 text-[12px] text-fg-muted">
              <RepeatBadge repeat={repeat} />
              <p>
                {repeat.kind === 'n-plus-one'
                  ? `This statement ran ${repeat.count} times under one span, ${formatDuration(repeat.totalMs)} in all (${formatDuration(repeat.wallMs)} from the first to the last). One query for all the rows (a join, or IN (...)) would do.`
                  : `This request was sent ${repeat.count} times in the trace, ${formatDuration(repeat.totalMs)} in all. Cache or batch it.`}
              </p>
              <code className="font-mono text-[11.5px] break-words text-fg">{repeat.key}</code>
            </div>
          </PanelSection>
        )}
        {onOpenProfile !== undefined && (
          <PanelSection title="Profile" testId="span-profile">
            <button
              type="button"
              data-testid="span-open-profile"
              onClick={onOpenProfile}
              className="text-[12.5px] text-accent hover:underline"
            >
              Flame graph of this span's time
            </button>
          </PanelSection>
        )}
        <PanelSection title="Span" testId="span-facts">
          <KeyValueTable rows={facts} />
        </PanelSection>
        {errors.length > 0 && (
          <PanelSection title="Errors in this span" testId="span-errors" count={errors.length}>
            <ErrorLinks errors={errors} onOpenError={onOpenError} />
          </PanelSection>
        )}
        {logs.length > 0 && (
          <PanelSection title="Logs in this span" testId="span-logs" count={logs.length}>
            <LogLinks logs={logs} onOpenLog={onOpenLog} />
          </PanelSection>
        )}
        <PanelSection title="Attributes" testId="span-attributes" count={attributes.length}>
          <KeyValueTable rows={attributes} testId="span-attribute-table" />
        </PanelSection>
      </div>
    </div>
  );
}

/** The side panel while no span is selected: services, errors and logs of the whole trace. */
export function TraceSummary({
  trace,
  colors,
  onOpenError,
  onOpenLog,
}: {
  trace: Trace;
  colors: ReadonlyMap<string, ServiceColor>;
  onOpenError: (eventId: string) => void;
  onOpenLog: (logId: string) => void;
}) {
  const spansPerService = new Map<string, number>();
  for (const span of trace.spans) spansPerService.set(span.service.key, (spansPerService.get(span.service.key) ?? 0) + 1);
  return (
    <div data-testid="trace-summary-panel" className="spotlight-scroll min-h-0 flex-1 overflow-auto">
      <PanelSection title="Services" testId="trace-services-panel" count={trace.services.length}>
        <ul className="flex flex-col gap-1.5">
          {trace.services.map((service) => (
            <li key={service.key} className="flex min-w-0 items-center gap-2">
              <ServiceChip service={service} color={colors.get(service.key)} />
              <span className="ml-auto shrink-0 text-[11.5px] tabular-nums text-fg-faint">
                {spansPerService.get(service.key) ?? 0} span{spansPerService.get(service.key) === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      </PanelSection>
      <PanelSection title="Errors" testId="trace-errors" count={trace.errors.length}>
        <ErrorLinks errors={trace.errors} onOpenError={onOpenError} />
      </PanelSection>
      <PanelSection title="Logs" testId="trace-logs" count={trace.logs.length}>
        <LogLinks logs={trace.logs} onOpenLog={onOpenLog} />
      </PanelSection>
      {(trace.rootless || trace.orphanCount > 0) && (
        <PanelSection title="Data quality" testId="trace-quality">
          <ul className="list-disc space-y-1 pl-4 text-[12px] text-amber-200/80">
            {trace.rootless && <li>No root span arrived: the trace is named after its earliest segment.</li>}
            {trace.orphanCount > 0 && (
              <li>
                {trace.orphanCount} span{trace.orphanCount === 1 ? '' : 's'} name a parent that never arrived (an uninstrumented caller, a
                span sent after its transaction, or a callback that outlived it). They are shown under a placeholder.
              </li>
            )}
          </ul>
        </PanelSection>
      )}
    </div>
  );
}
