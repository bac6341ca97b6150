import { type Issue, selectIssues } from '../../data/grouping.ts';
import type { StoredEnvelope } from '../../data/store.ts';
import { EmptyState } from '../../ui/components.tsx';
import { useEnvelopes, useNavigate } from '../../ui/hooks.ts';
import type { ViewProps } from '../../ui/views.ts';
import { IssueDetail } from './IssueDetail.tsx';
import { IssueList } from './IssueList.tsx';

/** The tab's number: how many issues there are. */
export function errorsTabCount(envelopes: readonly StoredEnvelope[]): number {
  return selectIssues(envelopes).length;
}

function findIssueOfEvent(issues: readonly Issue[], eventId: string): Issue | undefined {
  return issues.find((issue) => issue.events.some((event) => event.eventId === eventId || event.key === eventId));
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
 * Routes: `/errors` (the issue list), `/errors/<issue id>` (its latest event),
 * `/errors/<issue id>/<event key>` (one of its events), `/errors/events/<event id>` (the issue of an
 * event, for links from traces and logs).
 */
export function ErrorsView({ path }: ViewProps) {
  const envelopes = useEnvelopes();
  const issues = selectIssues(envelopes);
  const [first, second] = path;
  if (first === 'events' && second !== undefined) {
    const issue = findIssueOfEvent(issues, second);
    if (!issue) return <Gone what="event" />;
    const event = issue.events.find((e) => e.eventId === second || e.key === second);
    return <IssueDetail issue={issue} eventKey={event?.key} />;
  }
  if (first !== undefined) {
    const issue = issues.find((i) => i.id === first);
    if (!issue) return <Gone what="issue" />;
    return <IssueDetail issue={issue} eventKey={second} />;
  }
  return <IssueList issues={issues} />;
}
