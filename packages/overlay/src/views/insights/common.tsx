import type { ReactNode } from 'react';
import type { Repeat } from '../../data/queries.ts';
import { EmptyState } from '../../ui/components.tsx';
import { useStore } from '../../ui/hooks.ts';
import { useSessionView } from '../sessions/useSessions.ts';
import { formatDuration } from '../traces/duration.ts';

/** The amber mark of an N+1 loop or a repeated call: `N+1 ×8 · 9.4ms`. */
export function RepeatBadge({ repeat, testId = 'repeat-badge', compact = false }: { repeat: Repeat; testId?: string; compact?: boolean }) {
  const label = repeat.kind === 'n-plus-one' ? 'N+1' : 'Repeated';
  return (
    <span
      data-testid={testId}
      data-count={repeat.count}
      title={`${repeat.kind === 'n-plus-one' ? 'The same query ran' : 'The same request was sent'} ${repeat.count} times${repeat.kind === 'n-plus-one' ? ' under one span' : ' in this trace'}, ${formatDuration(repeat.totalMs)} in all`}
      className="inline-flex shrink-0 items-center gap-1 rounded bg-amber-400/15 px-1.5 py-px font-mono text-[11px] text-amber-200 ring-1 ring-inset ring-amber-300/30"
    >
      {label} ×{repeat.count}
      {!compact && <span className="text-amber-200/70">· {formatDuration(repeat.totalMs)}</span>}
    </span>
  );
}

export function SlowBadge({ title }: { title: string }) {
  return (
    <span
      data-testid="slow-badge"
      title={title}
      className="inline-flex shrink-0 items-center rounded bg-red-500/15 px-1.5 py-px text-[11px] text-red-200 ring-1 ring-inset ring-red-400/30"
    >
      slow
    </span>
  );
}

/** A sortable-looking header row of a table laid out with `grid`. */
export function TableHeader({ grid, children }: { grid: string; children: ReactNode }) {
  return (
    <div
      className={`grid shrink-0 ${grid} items-center gap-3 border-b border-line bg-surface-2/40 px-4 py-1.5 text-[11px] font-medium tracking-wider text-fg-faint uppercase`}
    >
      {children}
    </div>
  );
}

export function Numeric({ children, testId, className = '' }: { children: ReactNode; testId?: string; className?: string }) {
  return (
    <span data-testid={testId} className={`text-right font-mono text-[12px] tabular-nums ${className}`}>
      {children}
    </span>
  );
}

/** An insights view's empty state; when earlier sessions are hidden, it says so and offers to show them. */
export function InsightsEmpty({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const store = useStore();
  const session = useSessionView();
  const hidden = session.heads.count - store.visibleTraceHeads(session.visibility).count;
  return (
    <EmptyState title={hidden > 0 ? `${title} in this session` : title} testId={testId}>
      {children}
      {hidden > 0 && (
        <p className="mt-2">
          {hidden} {hidden === 1 ? 'trace is' : 'traces are'} in earlier sessions.{' '}
          <button
            type="button"
            data-testid="show-all-sessions"
            className="text-accent hover:underline"
            onClick={() => session.ui.select({ kind: 'all' })}
          >
            Show all sessions
          </button>
        </p>
      )}
    </EmptyState>
  );
}
