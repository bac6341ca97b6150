import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { Session, SessionIndex, SessionSelection } from '../../data/sessions.ts';
import type { TraceHeads } from '../../data/traceHeads.ts';
import { Chevron } from '../../ui/components.tsx';
import { plural, selectionLabel, sessionCounts, sessionWhen } from './sessionLabels.ts';

const TRACES_PER_SESSION = 6;

function isSelected(selection: SessionSelection, option: SessionSelection): boolean {
  if (selection.kind !== option.kind) return false;
  if (selection.kind === 'session' && option.kind === 'session') return selection.id === option.id;
  if (selection.kind === 'trace' && option.kind === 'trace') return selection.traceId === option.traceId;
  return true;
}

function Option({
  selected,
  onClick,
  testId,
  children,
  data,
  indent = false,
}: {
  selected: boolean;
  onClick: () => void;
  testId: string;
  children: ReactNode;
  data?: Record<string, string>;
  indent?: boolean;
}) {
  return (
    <button
      type="button"
      role="option"
      aria-selected={selected}
      data-testid={testId}
      {...data}
      onClick={onClick}
      className={`flex w-full min-w-0 items-center gap-2 rounded-md py-1.5 pr-2 text-left hover:bg-surface-3 ${indent ? 'pl-7' : 'pl-2'} ${
        selected ? 'bg-accent/10 text-fg' : 'text-fg-muted'
      }`}
    >
      {children}
    </button>
  );
}

function SessionOption({
  session,
  selection,
  traces,
  onSelect,
}: {
  session: Session;
  selection: SessionSelection;
  traces: TraceHeads;
  onSelect: (selection: SessionSelection) => void;
}) {
  const option: SessionSelection = session.current ? { kind: 'current' } : { kind: 'session', id: session.id };
  const shown = session.traceIds.slice(0, TRACES_PER_SESSION);
  return (
    <li className="py-0.5">
      <Option
        selected={isSelected(selection, option)}
        onClick={() => onSelect(option)}
        testId="session-option"
        data={{ 'data-session-id': session.id }}
      >
        <span className={`size-1.5 shrink-0 rounded-full ${session.current ? 'bg-emerald-400' : 'bg-fg-faint'}`} aria-hidden="true" />
        <span className="flex min-w-0 flex-1 flex-col">
          <span className="flex items-baseline gap-2">
            <span className="font-medium text-fg">{session.current ? 'Current session' : session.title}</span>
            <span className="ml-auto shrink-0 text-[11px] tabular-nums text-fg-faint">{sessionWhen(session)}</span>
          </span>
          <span className="truncate text-[11.5px] text-fg-faint">
            {session.current ? `${session.title} · ` : ''}
            {sessionCounts(session)}
          </span>
        </span>
      </Option>
      {shown.map((traceId) => {
        const trace = traces.byId.get(traceId);
        const traceOption: SessionSelection = { kind: 'trace', traceId };
        return (
          <Option
            key={traceId}
            indent
            selected={isSelected(selection, traceOption)}
            onClick={() => onSelect(traceOption)}
            testId="session-trace-option"
            data={{ 'data-trace-id': traceId }}
          >
            <span
              className={`size-1.5 shrink-0 rounded-full ${trace?.status === 'error' ? 'bg-red-400' : 'bg-sky-400/70'}`}
              aria-hidden="true"
            />
            <span className="truncate text-[12px]">{trace?.name ?? traceId}</span>
            <span className="ml-auto shrink-0 font-mono text-[10.5px] text-fg-faint">{traceId.slice(0, 8)}</span>
          </Option>
        );
      })}
      {session.traceIds.length > shown.length && (
        <p className="py-0.5 pl-7 text-[11px] text-fg-faint">+{session.traceIds.length - shown.length} more in this session</p>
      )}
    </li>
  );
}

/**
 * Chooses what the traces, logs and errors views show: the current session (default), an earlier
 * session or one of its traces, or everything. Earlier sessions are hidden, never deleted.
 */
export function SessionSelect({
  sessions,
  selection,
  traces,
  onSelect,
}: {
  sessions: SessionIndex;
  selection: SessionSelection;
  traces: TraceHeads;
  onSelect: (selection: SessionSelection) => void;
}) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.composedPath()[0] as Node)) setOpen(false);
    };
    const root = rootRef.current?.getRootNode() as Document | ShadowRoot | undefined;
    root?.addEventListener('pointerdown', onPointer as EventListener);
    return () => root?.removeEventListener('pointerdown', onPointer as EventListener);
  }, [open]);
  const choose = (next: SessionSelection) => {
    onSelect(next);
    setOpen(false);
  };
  const earlier = sessions.sessions.filter((s) => !s.current).length;
  const label = selectionLabel(selection, sessions.byId, traces);
  return (
    <div ref={rootRef} className="relative">
      <button
        type="button"
        data-testid="session-select"
        data-selection={selection.kind}
        aria-haspopup="listbox"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && open) {
            event.preventDefault();
            setOpen(false);
          }
        }}
        className="flex h-7 max-w-80 items-center gap-2 rounded-md border border-line bg-surface-0 px-2.5 text-[12.5px] text-fg hover:border-line-strong"
      >
        <span
          aria-hidden="true"
          className={`size-1.5 shrink-0 rounded-full ${selection.kind === 'current' ? 'bg-emerald-400' : selection.kind === 'all' ? 'bg-accent' : 'bg-amber-300'}`}
        />
        <span className="truncate">{label}</span>
        {selection.kind === 'current' && earlier > 0 && (
          <span data-testid="session-hidden-count" className="shrink-0 text-[11px] text-fg-faint">
            {plural(earlier, 'earlier session')} hidden
          </span>
        )}
        <Chevron open={open} className="rotate-90 text-fg-faint" />
      </button>
      {open && (
        <div
          role="listbox"
          aria-label="Sessions"
          data-testid="session-menu"
          tabIndex={-1}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setOpen(false);
            }
          }}
          className="spotlight-scroll absolute top-8 left-0 z-30 max-h-[60vh] w-[26rem] overflow-auto rounded-lg border border-line-strong bg-surface-2 p-1.5 shadow-2xl shadow-black/60"
        >
          <ul>
            {sessions.sessions.length === 0 && <li className="px-2 py-1.5 text-fg-faint">No sessions yet.</li>}
            {sessions.sessions.map((session) => (
              <SessionOption key={session.id} session={session} selection={selection} traces={traces} onSelect={choose} />
            ))}
          </ul>
          <div className="mt-1 border-t border-line pt-1">
            <Option selected={selection.kind === 'all'} onClick={() => choose({ kind: 'all' })} testId="session-all">
              <span className="size-1.5 shrink-0 rounded-full bg-accent" aria-hidden="true" />
              <span className="font-medium text-fg">All sessions</span>
              <span className="ml-auto text-[11px] text-fg-faint">{plural(traces.count, 'trace')}</span>
            </Option>
          </div>
        </div>
      )}
    </div>
  );
}
