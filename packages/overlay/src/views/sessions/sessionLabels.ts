import type { Session, SessionSelection } from '../../data/sessions.ts';
import type { TraceHeads } from '../../data/traceHeads.ts';
import { formatClock } from '../../ui/format.ts';

const BOUNDARY_TEXT: Readonly<Record<Session['boundary'], string>> = {
  page: 'this page load',
  'page-load': 'page load',
  'process-start': 'process start',
  'idle-gap': 'after a pause',
  first: 'earliest',
};

/** "14:03:12 · page load": when and why a session started. */
export function sessionWhen(session: Session): string {
  const clock = Number.isNaN(session.startedAt) ? 'waiting' : formatClock(session.startedAt).slice(0, 8);
  return `${clock} · ${BOUNDARY_TEXT[session.boundary]}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 traces · 1 error · 3 logs" */
export function sessionCounts(session: Session): string {
  const parts = [plural(session.traceIds.length, 'trace')];
  if (session.errorCount > 0) parts.push(plural(session.errorCount, 'error'));
  if (session.logCount > 0) parts.push(plural(session.logCount, 'log'));
  return parts.join(' · ');
}

/** The selector button's text. */
export function selectionLabel(selection: SessionSelection, sessions: ReadonlyMap<string, Session>, traces: TraceHeads): string {
  switch (selection.kind) {
    case 'current':
      return 'Current session';
    case 'all':
      return 'All sessions';
    case 'trace':
      return `Trace: ${traces.byId.get(selection.traceId)?.name ?? selection.traceId.slice(0, 8)}`;
    case 'session': {
      const session = sessions.get(selection.id);
      return session !== undefined ? `Session ${sessionWhen(session)}` : 'Session (cleared)';
    }
  }
}
