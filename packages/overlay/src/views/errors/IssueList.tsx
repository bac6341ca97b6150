import { memo, type ReactNode, useMemo, useRef } from 'react';
import type { Issue } from '../../data/grouping.ts';
import { Chip, EmptyState, LEVEL_BAR } from '../../ui/components.tsx';
import { formatCount, formatDateTime, formatTimeAgo } from '../../ui/format.ts';
import { useController, useNavigate, useNow, useSpotlightStore } from '../../ui/hooks.ts';
import { FilterInput, ListCount, ListToolbar, matchesWords, useListFilter } from '../../ui/listFilter.tsx';
import { routeOf } from '../../ui/uiState.ts';
import { useFixedRows } from '../../ui/virtualRows.ts';

const ROW_HEIGHT = 62;
const issueKey = (issue: Issue): string => issue.id;

function matches(issue: Issue, words: readonly string[]): boolean {
  return matchesWords([issue.title, issue.subtitle, issue.culprit, issue.level, ...issue.services.map((s) => s.label)], words);
}

/** Nothing captured yet, or no sidecar to read from. */
export function NoErrors() {
  const controller = useController();
  const { connection } = useSpotlightStore();
  const waiting = connection.status !== 'open';
  return (
    <EmptyState title={waiting ? 'Waiting for the Spotlight sidecar…' : 'No errors yet'} testId="errors-empty">
      {waiting ? (
        <p>
          Connecting to <code className="font-mono text-fg">{controller.options.sidecarUrl}</code>. Start the Spotlight sidecar (the{' '}
          <code className="font-mono text-fg">spotlight</code> command; the SDK hooks start it for you), or pass{' '}
          <code className="font-mono text-fg">sidecarUrl</code> to <code className="font-mono text-fg">Spotlight.init()</code>.
        </p>
      ) : (
        <p>
          Errors your Sentry SDKs capture show up here as they happen, grouped into issues. In a page, your own{' '}
          <code className="font-mono text-fg">Sentry.init()</code>, with or without a DSN, reports here once the page has the Vite plugin (
          <code className="font-mono text-fg">spotlight()</code> from <code className="font-mono text-fg">sentry-spotlight/vite</code>) or
          calls <code className="font-mono text-fg">Spotlight.init()</code> from <code className="font-mono text-fg">sentry-spotlight</code>
          . In a Node service, call <code className="font-mono text-fg">Spotlight.init()</code> there too.
        </p>
      )}
    </EmptyState>
  );
}

// Memoized: while the list scrolls it re-renders every frame, and only the rows that came into view need rendering.
const IssueRow = memo(function IssueRow({ issue, now, top }: { issue: Issue; now: number; top: number }) {
  const navigate = useNavigate();
  return (
    <li className="absolute inset-x-0 top-0" style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}>
      <button
        type="button"
        data-testid="issue-row"
        data-issue-id={issue.id}
        onClick={() => navigate(routeOf('errors', issue.id))}
        className="group grid size-full grid-cols-[minmax(0,1fr)_minmax(0,11rem)_4.5rem_6.5rem] items-center gap-4 border-b border-line/70 pr-5 pl-0 text-left hover:bg-surface-2 focus-visible:bg-surface-2 focus-visible:outline-none"
      >
        <div className="flex min-w-0 items-stretch gap-3 self-stretch">
          <span aria-hidden="true" className={`w-[3px] shrink-0 ${LEVEL_BAR[issue.level] ?? LEVEL_BAR.error}`} />
          <div className="flex min-w-0 flex-col justify-center gap-0.5 py-2">
            <div className="flex min-w-0 items-baseline gap-2">
              <span data-testid="issue-title" className="shrink-0 font-semibold text-fg group-hover:text-white">
                {issue.title}
              </span>
              {issue.subtitle !== undefined && (
                <span data-testid="issue-subtitle" className="truncate text-fg-muted">
                  {issue.subtitle}
                </span>
              )}
            </div>
            {issue.culprit !== undefined && (
              <span data-testid="issue-culprit" className="truncate font-mono text-[11.5px] text-fg-faint">
                {issue.culprit}
              </span>
            )}
          </div>
        </div>
        <div className="flex min-w-0 flex-wrap gap-1">
          {issue.services.slice(0, 2).map((service) => (
            <Chip key={service.key} title={service.label} testId="issue-service">
              {service.label}
            </Chip>
          ))}
          {issue.services.length > 2 && <Chip>+{issue.services.length - 2}</Chip>}
        </div>
        <span data-testid="issue-count" data-count={issue.count} className="text-right font-semibold tabular-nums text-fg">
          {formatCount(issue.count)}
        </span>
        <span className="flex flex-col items-end text-right text-[11.5px] tabular-nums">
          <span data-testid="issue-last-seen" title={`Last seen ${formatDateTime(issue.lastSeen)}`} className="text-fg-muted">
            {formatTimeAgo(issue.lastSeen, now)}
          </span>
          <span title={`First seen ${formatDateTime(issue.firstSeen)}`} className="text-fg-faint">
            {formatTimeAgo(issue.firstSeen, now)}
          </span>
        </span>
      </button>
    </li>
  );
});

/**
 * Issues, most recently seen first; virtualized, so thousands of rows scroll smoothly. `toolbar` holds
 * the session selector; `empty` shows when there are none.
 */
export function IssueList({ issues, toolbar, empty }: { issues: readonly Issue[]; toolbar?: ReactNode; empty: ReactNode }) {
  const { query, setQuery, shown, words } = useListFilter();
  const filtered = useMemo(() => issues.filter((issue) => matches(issue, words)), [issues, words]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();
  const virtualizer = useFixedRows({ rows: filtered, keyOf: issueKey, rowHeight: ROW_HEIGHT, overscan: 4, scrollRef });
  const events = useMemo(() => issues.reduce((sum, issue) => sum + issue.count, 0), [issues]);

  return (
    <div className="flex h-full flex-col">
      <ListToolbar>
        {toolbar}
        <FilterInput testId="issue-filter" label="Filter issues" value={query} onChange={setQuery} widthClass="w-72 max-w-[50%]" />
        <ListCount testId="issue-summary" shown={filtered.length} total={issues.length} noun={['issue', 'issues']}>
          {` · ${events} ${events === 1 ? 'event' : 'events'}`}
        </ListCount>
      </ListToolbar>
      {issues.length === 0 ? (
        empty
      ) : (
        <>
          <div
            aria-hidden="true"
            className="grid shrink-0 grid-cols-[minmax(0,1fr)_minmax(0,11rem)_4.5rem_6.5rem] gap-4 border-b border-line bg-surface-2/40 py-1.5 pr-5 pl-[15px] text-[11px] font-medium tracking-wider text-fg-faint uppercase"
          >
            <span>Issue</span>
            <span>Services</span>
            <span className="text-right">Events</span>
            <span className="text-right">Last / first</span>
          </div>
          <div ref={scrollRef} data-testid="issue-list" className="spotlight-scroll min-h-0 flex-1 overflow-auto">
            {filtered.length === 0 ? (
              <p className="px-5 py-6 text-fg-muted">No issue matches “{shown}”.</p>
            ) : (
              <ul aria-label="Issues" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const issue = filtered[item.index];
                  return issue ? <IssueRow key={item.key} issue={issue} now={now} top={item.start} /> : null;
                })}
              </ul>
            )}
          </div>
        </>
      )}
    </div>
  );
}
