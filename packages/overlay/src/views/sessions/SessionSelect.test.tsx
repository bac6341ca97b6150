import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createSelector } from '../../data/derive.ts';
import { createSessionSelector } from '../../data/sessions.ts';
import { traceHeads } from '../../data/traceHeads.ts';
import { storedFixture } from '../../data/tracesFixtures.ts';
import { PinButton } from './PinButton.tsx';
import { SessionSelect } from './SessionSelect.tsx';

const envelopes = [
  ...['session', 'event', 'span', 'log'].map((n, i) => storedFixture(`sentry-node-11.12/${n}.envelope`, `p${i}`, i)),
  ...['web-span', 'api-span', 'web-session'].map((n, i) => storedFixture(`sentry-node-11.12/express-${n}.envelope`, `x${i}`, 10 + i)),
];
const sessions = createSessionSelector()({ envelopes });
const traces = createSelector(traceHeads)(envelopes);

describe('session selector', () => {
  it('says the current session is shown and how many earlier ones are hidden', () => {
    const html = renderToStaticMarkup(
      <SessionSelect sessions={sessions} selection={{ kind: 'current' }} traces={traces} onSelect={() => {}} />,
    );
    expect(html).toContain('data-testid="session-select"');
    expect(html).toContain('Current session');
    expect(html).toMatch(/data-testid="session-hidden-count"[^>]*>1 earlier session hidden</);
  });

  it('names a selected trace', () => {
    const html = renderToStaticMarkup(
      <SessionSelect
        sessions={sessions}
        selection={{ kind: 'trace', traceId: 'd953b6aa6fd14930be83e9daf81fae75' }}
        traces={traces}
        onSelect={() => {}}
      />,
    );
    expect(html).toContain('Trace: probe-transaction (url)');
    expect(html).not.toContain('session-hidden-count');
  });
});

describe('pin button', () => {
  it('tells whether the trace is pinned', () => {
    expect(renderToStaticMarkup(<PinButton pinned onToggle={() => {}} />)).toMatch(
      /data-testid="pin-trace" aria-pressed="true"[^>]*>.*Pinned/,
    );
    expect(renderToStaticMarkup(<PinButton pinned={false} onToggle={() => {}} />)).toMatch(/aria-pressed="false".*>Pin</);
  });
});
