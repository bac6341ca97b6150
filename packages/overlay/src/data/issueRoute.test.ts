import { describe, expect, it } from 'vitest';
import type { Issue } from './grouping.ts';
import { VIEWS } from './index.ts';
import { resolveIssueRoute } from './issueRoute.ts';
import { visibility } from './sessions.ts';
import type { StoredEnvelope } from './store.ts';
import { deriveFrom, storedFixture } from './tracesFixtures.ts';

// Real captures: a browser page load (whose request to the api fails with "item 42 not found"), and an
// earlier Express request that failed the same way, plus two probe runs with one error each.
const NAMES = [
  ...['session', 'event', 'span', 'log'].map((n) => `sentry-node-11.12/${n}.envelope`),
  ...['session', 'event', 'transaction', 'log'].map((n) => `sentry-node-10.78/${n}.envelope`),
  ...['web-span', 'web-log', 'api-event', 'web-session', 'api-span', 'api-log', 'api-sessions'].map(
    (n) => `sentry-node-11.12/express-${n}.envelope`,
  ),
  'sentry-browser-11.12/pageload-session.envelope',
  'sentry-browser-11.12/pageload-event.envelope',
  'sentry-node-11.12/browser-api-event.envelope',
  'sentry-node-11.12/browser-api-span.envelope',
  'sentry-browser-11.12/pageload-span.envelope',
  'sentry-browser-11.12/pageload-log.envelope',
  'sentry-node-11.12/browser-api-log.envelope',
];
const envelopes: StoredEnvelope[] = NAMES.map((name, i) => storedFixture(name, `e${String(i).padStart(2, '0')}`, 1000 + i));
const PAGE = { loadedAt: Date.parse('2026-11-24T11:06:22.584Z'), traceIds: new Set(['228a29fec3fc4583b86ff81409faba17']) };
const read = deriveFrom(envelopes);
const sessions = read(VIEWS.sessions, { page: PAGE });
const current = visibility(sessions, { kind: 'current' }, new Set());
const selected = read(VIEWS.visibleIssues, current);
const all = read(VIEWS.issues, undefined);

const ITEM_42 = '05bf3df78f554e'; // "item 42 not found": once in this page's session, once earlier
const PROBE = '1a651d98c1b5bd'; // "probe error": only in earlier sessions
const BROWSER_API_EVENT = '7337d336efcb46d6a532a9819e9c0f5d'; // e17, this page's
const EXPRESS_API_EVENT = '07ec876f3aee4878a263586e3f4fee08'; // e10, an earlier request's

function shown(route: ReturnType<typeof resolveIssueRoute>): unknown {
  if (route.kind !== 'issue') return route;
  const { issue, eventKey, inSelection } = route;
  return { issue: issue.id, events: issue.events.map((e) => e.key), eventKey, inSelection };
}

describe('errors routes follow the session, links reach every event', () => {
  it('lists the selected session only', () => {
    expect(selected.map((i: Issue) => [i.title, i.subtitle, i.count])).toEqual([
      ['SyntaxError', "Expected property name or '}' in JSON at position 1 (line 1 column 2)", 1],
      ['Error', 'item 42 not found', 1],
    ]);
    expect(all.map((i: Issue) => [i.id, i.count])).toEqual([
      ['05446ce4512274', 1],
      [ITEM_42, 2],
      [PROBE, 2],
    ]);
    expect(resolveIssueRoute([], selected, () => all)).toEqual({ kind: 'list' });
  });

  it("opens a link to an event of this session on the session's issue, without grouping the whole store", () => {
    const route = resolveIssueRoute(['events', BROWSER_API_EVENT], selected, () => {
      throw new Error('all issues read although the session has the event');
    });
    expect(shown(route)).toEqual({ issue: ITEM_42, events: ['e17'], eventKey: 'e17', inSelection: true });
  });

  it('opens a link to an event of an earlier session on the whole issue, saying it is outside the selection', () => {
    expect(shown(resolveIssueRoute(['events', EXPRESS_API_EVENT], selected, () => all))).toEqual({
      issue: ITEM_42,
      events: ['e10', 'e17'],
      eventKey: 'e10',
      inSelection: false,
    });
    // By event key too (what the stepper and other views link with).
    expect(shown(resolveIssueRoute(['events', 'e10'], selected, () => all))).toEqual({
      issue: ITEM_42,
      events: ['e10', 'e17'],
      eventKey: 'e10',
      inSelection: false,
    });
  });

  it('steps through the events of such an issue, back into the selection for its own events', () => {
    expect(shown(resolveIssueRoute([ITEM_42, 'e10'], selected, () => all))).toEqual({
      issue: ITEM_42,
      events: ['e10', 'e17'],
      eventKey: 'e10',
      inSelection: false,
    });
    expect(shown(resolveIssueRoute([ITEM_42, 'e17'], selected, () => all))).toEqual({
      issue: ITEM_42,
      events: ['e17'],
      eventKey: 'e17',
      inSelection: true,
    });
  });

  it('opens an issue by id from the selection, else from the store', () => {
    expect(shown(resolveIssueRoute([ITEM_42], selected, () => all))).toEqual({
      issue: ITEM_42,
      events: ['e17'],
      eventKey: undefined,
      inSelection: true,
    });
    expect(shown(resolveIssueRoute([PROBE], selected, () => all))).toEqual({
      issue: PROBE,
      events: ['e01', 'e05'],
      eventKey: undefined,
      inSelection: false,
    });
    // An unknown event key of a known issue: the detail shows its latest event.
    expect(shown(resolveIssueRoute([PROBE, 'gone-key'], selected, () => all))).toEqual({
      issue: PROBE,
      events: ['e01', 'e05'],
      eventKey: 'gone-key',
      inSelection: false,
    });
  });

  it('says what is gone', () => {
    expect(resolveIssueRoute(['events', 'ffffffffffffffffffffffffffffffff'], selected, () => all)).toEqual({ kind: 'gone', what: 'event' });
    expect(resolveIssueRoute(['ffffffffffffff'], selected, () => all)).toEqual({ kind: 'gone', what: 'issue' });
    expect(resolveIssueRoute(['events', EXPRESS_API_EVENT], [], () => [])).toEqual({ kind: 'gone', what: 'event' });
  });
});
