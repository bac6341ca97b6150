import type { ErrorEventRecord, Issue } from '../../data/grouping.ts';
import { AnsiText, Chip, Icon, LevelBadge } from '../../ui/components.tsx';
import { formatDateTime, formatTimeAgo } from '../../ui/format.ts';
import { useNavigate, useNow } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { EventBody } from './EventBody.tsx';

function StepButton({
  label,
  testId,
  target,
  icon,
}: {
  label: string;
  testId: string;
  target: ErrorEventRecord | undefined;
  icon?: 'left' | 'right';
}) {
  const navigate = useNavigate();
  return (
    <button
      type="button"
      data-testid={testId}
      disabled={!target}
      onClick={() => target && navigate(routeOf('errors', target.issueId, target.key))}
      className="flex items-center gap-1 rounded-md border border-line px-2 py-1 text-xs text-fg-muted enabled:hover:border-line-strong enabled:hover:bg-surface-3 enabled:hover:text-fg disabled:opacity-40"
    >
      {icon === 'left' && <Icon name="left" className="size-3.5" />}
      {label}
      {icon === 'right' && <Icon name="right" className="size-3.5" />}
    </button>
  );
}

/**
 * One issue: its headline, its events to step through, and the chosen event in full.
 * `onShowAllSessions` is given when it was opened from a link although the selected session does
 * not hold it: the detail then says so and offers to list every session.
 */
export function IssueDetail({
  issue,
  eventKey,
  onShowAllSessions,
}: {
  issue: Issue;
  eventKey: string | undefined;
  onShowAllSessions?: () => void;
}) {
  const navigate = useNavigate();
  const now = useNow();
  const found = eventKey !== undefined ? issue.events.findIndex((e) => e.key === eventKey) : -1;
  const index = found >= 0 ? found : issue.events.length - 1;
  const record = issue.events[index] ?? issue.latest;
  const { events } = issue;

  return (
    <div className="flex h-full flex-col" data-testid="issue-detail" data-issue-id={issue.id}>
      <div className="shrink-0 border-b border-line bg-surface-1 px-5 pt-3 pb-3">
        <button
          type="button"
          data-testid="back-to-issues"
          onClick={() => navigate('/errors')}
          className="mb-2 -ml-1 flex items-center gap-1 rounded px-1 text-xs text-fg-muted hover:text-fg"
        >
          <Icon name="left" className="size-3.5" />
          All issues
        </button>
        {onShowAllSessions !== undefined && (
          <p data-testid="issue-outside-session" className="mb-2 text-xs text-amber-300/90">
            Not in the selected session, so the issue list hides it.{' '}
            <button type="button" data-testid="issue-show-all-sessions" className="text-accent hover:underline" onClick={onShowAllSessions}>
              Show all sessions
            </button>
          </p>
        )}
        <div className="flex items-start gap-3">
          <div className="min-w-0 flex-1">
            <h1 className="flex flex-wrap items-baseline gap-x-2 text-[17px] leading-snug">
              <span data-testid="detail-title" className="font-semibold text-fg">
                {record.title}
              </span>
              {record.subtitle !== undefined && (
                <span data-testid="detail-subtitle" className="min-w-0 break-words text-fg-muted">
                  <AnsiText text={record.subtitle} />
                </span>
              )}
            </h1>
            {record.culprit !== undefined && (
              <p data-testid="detail-culprit" className="mt-0.5 truncate font-mono text-xs text-fg-faint">
                {record.culprit}
              </p>
            )}
            <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-fg-muted">
              <LevelBadge level={record.level} />
              <span data-testid="detail-event-count" className="tabular-nums">
                <span className="font-semibold text-fg">{issue.count}</span> {issue.count === 1 ? 'event' : 'events'}
              </span>
              <span title={formatDateTime(issue.firstSeen)}>first seen {formatTimeAgo(issue.firstSeen, now)}</span>
              <span title={formatDateTime(issue.lastSeen)}>last seen {formatTimeAgo(issue.lastSeen, now)}</span>
              {issue.services.map((service) => (
                <Chip
                  key={service.key}
                  title={[service.sdkName, service.sdkVersion, service.runtime].filter(Boolean).join(' ')}
                  testId="detail-service"
                >
                  {service.label}
                </Chip>
              ))}
            </div>
          </div>
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-2" data-testid="event-stepper">
          <StepButton label="Oldest" testId="event-oldest" target={index > 0 ? events[0] : undefined} />
          <StepButton label="Older" icon="left" testId="event-prev" target={index > 0 ? events[index - 1] : undefined} />
          <span data-testid="event-position" className="px-1 text-xs text-fg-muted tabular-nums">
            Event {index + 1} of {events.length}
          </span>
          <StepButton label="Newer" icon="right" testId="event-next" target={events[index + 1]} />
          <StepButton label="Latest" testId="event-latest" target={index < events.length - 1 ? events[events.length - 1] : undefined} />
          <span className="ml-auto truncate font-mono text-[11px] text-fg-faint" title="Event id">
            {record.eventId} · {formatDateTime(record.timestamp)}
          </span>
        </div>
      </div>
      <div className="spotlight-scroll min-h-0 flex-1 overflow-auto" data-testid="event-body">
        <EventBody key={record.key} record={record} />
      </div>
    </div>
  );
}
