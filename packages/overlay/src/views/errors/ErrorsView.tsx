import type { SpotlightStore } from '../../data/index.ts';
import { resolveIssueRoute } from '../../data/issueRoute.ts';
import type { Visibility } from '../../data/visibility.ts';
import { EmptyState } from '../../ui/components.tsx';
import { useNavigate, useStore } from '../../ui/hooks.ts';
import type { ViewProps } from '../../ui/views.ts';
import { SessionPicker } from '../sessions/SessionPicker.tsx';
import { useSessionView } from '../sessions/useSessions.ts';
import { IssueDetail } from './IssueDetail.tsx';
import { IssueList, NoErrors } from './IssueList.tsx';

/** The tab's number: the issues the list shows (those of the selected session). */
export function errorsTabCount(store: SpotlightStore, visible: Visibility): number {
  return store.visibleIssues(visible).length;
}

function Gone({ what }: { what: string }) {
  const navigate = useNavigate();
  return (
    <EmptyState title={`This ${what} is not here anymore`} testId="issue-not-found">
      <p>It was cleared, or dropped to make room for newer events.</p>
      <button type="button" className="mt-2 text-accent hover:underline" onClick={() => navigate('/errors')}>
        Back to all issues
      </button>
    </EmptyState>
  );
}

/**
 * Routes: `/errors` (the selected session's issues), `/errors/<issue id>` (its latest event),
 * `/errors/<issue id>/<event key>` (one of its events), `/errors/events/<event id>` (the issue of an
 * event, for links from traces, logs, error pages: found in any session).
 */
export function ErrorsView({ path }: ViewProps) {
  const store = useStore();
  const session = useSessionView();
  const issues = store.visibleIssues(session.visibility);
  const route = resolveIssueRoute(path, issues, () => store.issues());
  if (route.kind === 'gone') return <Gone what={route.what} />;
  if (route.kind === 'issue') {
    const showAll = () => session.ui.select({ kind: 'all' });
    return <IssueDetail issue={route.issue} eventKey={route.eventKey} onShowAllSessions={route.inSelection ? undefined : showAll} />;
  }
  let empty = <NoErrors />;
  if (issues.length === 0) {
    const hidden = store.errorEventCount();
    if (hidden > 0) {
      empty = (
        <EmptyState title="No errors in this session" testId="errors-empty-session">
          <p>
            {hidden} {hidden === 1 ? 'error is' : 'errors are'} in {session.selection.kind === 'current' ? 'earlier' : 'other'} sessions.{' '}
            <button
              type="button"
              data-testid="show-all-sessions"
              className="text-accent hover:underline"
              onClick={() => session.ui.select({ kind: 'all' })}
            >
              Show all sessions
            </button>
          </p>
        </EmptyState>
      );
    }
  }
  return <IssueList issues={issues} toolbar={<SessionPicker />} empty={empty} />;
}
