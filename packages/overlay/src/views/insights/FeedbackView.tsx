import { EmptyState, Icon } from '../../ui/components.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { useNavigate, useStore } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { Attachments } from '../errors/Attachments.tsx';

/** What users reported (the feedback widget, `captureFeedback`, user reports), each with the event it is about. */
export function FeedbackView() {
  const feedback = useStore().feedback();
  const navigate = useNavigate();
  if (feedback.length === 0) {
    return (
      <EmptyState title="No user feedback yet" testId="feedback-empty">
        <p>
          Feedback sent with <code className="font-mono text-fg">feedbackIntegration()</code> or{' '}
          <code className="font-mono text-fg">Sentry.captureFeedback()</code> shows up here with the error it is about.
        </p>
      </EmptyState>
    );
  }
  return (
    <ul className="spotlight-scroll flex h-full flex-col gap-3 overflow-auto px-4 py-3">
      {feedback.map((item) => (
        <li key={item.id} data-testid="feedback-item" className="flex flex-col gap-2 rounded-md border border-line bg-surface-2/40 p-3">
          <div className="flex min-w-0 items-center gap-2 text-[12px] text-fg-muted">
            <span className="font-semibold text-fg">{item.name ?? 'Anonymous'}</span>
            {item.email !== undefined && <span>{item.email}</span>}
            <span className="ml-auto shrink-0 text-fg-faint">{formatDateTime(item.timestamp)}</span>
          </div>
          <p data-testid="feedback-message" className="text-[13px] whitespace-pre-wrap break-words text-fg">
            {item.message}
          </p>
          <div className="flex flex-wrap items-center gap-3 text-[12px]">
            {item.url !== undefined && <span className="truncate font-mono text-fg-faint">{item.url}</span>}
            {item.eventId !== undefined && (
              <button
                type="button"
                data-testid="feedback-event-link"
                onClick={() => navigate(routeOf('errors', 'events', item.eventId ?? ''))}
                className="flex items-center gap-1 text-accent hover:underline"
              >
                <Icon name="link" className="size-3.5" />
                The error it is about
              </button>
            )}
            {item.traceId !== undefined && (
              <button type="button" onClick={() => navigate(routeOf('traces', item.traceId ?? ''))} className="text-accent hover:underline">
                Its trace
              </button>
            )}
          </div>
          {item.attachments.length > 0 && <Attachments attachments={item.attachments} />}
        </li>
      ))}
    </ul>
  );
}
