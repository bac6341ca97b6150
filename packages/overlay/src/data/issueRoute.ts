import type { Issue } from './grouping.ts';

/**
 * What an `/errors/...` route shows. The list is the selected session's issues; a detail route is
 * looked up there first and then among every issue in the store, because links reach it from places
 * that know nothing of the selection: a trace's error, Express's error page, the Vite plugin, an
 * event of an earlier page load. `inSelection` is false for such an issue: it is shown with every
 * event of it in the store, and the list does not hold it.
 */
export type IssueRoute =
  | { readonly kind: 'list' }
  | { readonly kind: 'issue'; readonly issue: Issue; readonly eventKey?: string; readonly inSelection: boolean }
  | { readonly kind: 'gone'; readonly what: 'issue' | 'event' };

function shown(issue: Issue, eventKey: string | undefined, inSelection: boolean): IssueRoute {
  return eventKey !== undefined ? { kind: 'issue', issue, eventKey, inSelection } : { kind: 'issue', issue, inSelection };
}

function eventIn(issue: Issue, eventIdOrKey: string): string | undefined {
  return issue.events.find((e) => e.eventId === eventIdOrKey || e.key === eventIdOrKey)?.key;
}

function withEvent(
  issues: readonly Issue[],
  eventIdOrKey: string,
  issueId?: string,
): { readonly issue: Issue; readonly eventKey: string } | undefined {
  for (const issue of issues) {
    if (issueId !== undefined && issue.id !== issueId) continue;
    const eventKey = eventIn(issue, eventIdOrKey);
    if (eventKey !== undefined) return { issue, eventKey };
  }
  return undefined;
}

/**
 * Routes: `/errors` → list; `/errors/events/<event id or key>` → the issue of that event, on it;
 * `/errors/<issue id>` → the issue, on its latest event; `/errors/<issue id>/<event key>` → that event
 * (the latest when the key is unknown). `all` is called only when the selection does not have it.
 */
export function resolveIssueRoute(path: readonly string[], selected: readonly Issue[], all: () => readonly Issue[]): IssueRoute {
  const [first, second] = path;
  if (first === undefined) return { kind: 'list' };
  if (first === 'events' && second !== undefined) {
    const found = withEvent(selected, second);
    if (found !== undefined) return { kind: 'issue', ...found, inSelection: true };
    const elsewhere = withEvent(all(), second);
    return elsewhere !== undefined ? { kind: 'issue', ...elsewhere, inSelection: false } : { kind: 'gone', what: 'event' };
  }
  if (second !== undefined) {
    // Stepping through the events of an issue opened from a link may reach ones outside the selection.
    const found = withEvent(selected, second, first);
    if (found !== undefined) return { kind: 'issue', ...found, inSelection: true };
    const elsewhere = withEvent(all(), second, first);
    if (elsewhere !== undefined) return { kind: 'issue', ...elsewhere, inSelection: false };
  }
  const issue = selected.find((i) => i.id === first);
  if (issue !== undefined) return shown(issue, second, true);
  const other = all().find((i) => i.id === first);
  return other !== undefined ? shown(other, second, false) : { kind: 'gone', what: 'issue' };
}
