import { describe, expect, it } from 'vitest';
import { createStore } from '../data/index.ts';
import { type SessionSelection, visibility } from '../data/sessions.ts';
import type { StoredEnvelope } from '../data/store.ts';
import { storedFixture } from '../data/tracesFixtures.ts';
import { views } from './views.ts';

// Real captures: an earlier Express request (one error, two log lines), a probe run (one error, one
// line), then this browser page load whose api request failed (two errors, two lines). Four SDKs reported;
// the SDKs view lists them whatever the session.
const NAMES = [
  ...['session', 'event', 'span', 'log'].map((n) => `sentry-node-11.12/${n}.envelope`),
  ...['web-span', 'web-log', 'api-event', 'web-session', 'api-span', 'api-log'].map((n) => `sentry-node-11.12/express-${n}.envelope`),
  'sentry-browser-11.12/pageload-session.envelope',
  'sentry-browser-11.12/pageload-event.envelope',
  'sentry-node-11.12/browser-api-event.envelope',
  'sentry-node-11.12/browser-api-span.envelope',
  'sentry-browser-11.12/pageload-span.envelope',
  'sentry-browser-11.12/pageload-log.envelope',
  'sentry-node-11.12/browser-api-log.envelope',
];
const envelopes: StoredEnvelope[] = NAMES.map((name, i) => storedFixture(name, `e${i}`, 1000 + i));
const PAGE_TRACE = '228a29fec3fc4583b86ff81409faba17';
const PROBE_TRACE = 'd953b6aa6fd14930be83e9daf81fae75';
const store = createStore({ schedule: () => () => {} });
for (const { envelope, id } of envelopes) store.add(envelope, id);
store.flush();
const sessions = store.sessions({ page: { loadedAt: Date.parse('2026-11-24T11:06:22.584Z'), traceIds: new Set([PAGE_TRACE]) } });

function tabCounts(selection: SessionSelection, pinned: ReadonlySet<string> = new Set()): Record<string, number | undefined> {
  const visible = visibility(sessions, selection, pinned);
  return Object.fromEntries(views.map((view) => [view.id, view.count?.(store, visible)]));
}

describe('tab counts', () => {
  it('count what each view lists for the selected session', () => {
    expect(tabCounts({ kind: 'current' })).toEqual({ errors: 2, traces: 1, logs: 2, sdks: 4 });
    expect(tabCounts({ kind: 'current' }, new Set([PROBE_TRACE]))).toEqual({ errors: 3, traces: 2, logs: 3, sdks: 4 });
    const express = sessions.sessions.find((s) => s.title === 'GET /dashboard')?.id ?? '';
    expect(tabCounts({ kind: 'session', id: express })).toEqual({ errors: 1, traces: 1, logs: 2, sdks: 4 });
    // The Express request and this page's api request failed alike: one issue of two events.
    expect(tabCounts({ kind: 'all' })).toEqual({ errors: 3, traces: 3, logs: 5, sdks: 4 });
  });
});
