import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createSelector } from '../../data/derive.ts';
import { sdks } from '../../data/sdks.ts';
import type { StoredEnvelope } from '../../data/store.ts';
import { storedFixture } from '../../data/tracesFixtures.ts';
import { SdkCard } from './SdksView.tsx';

const selectSdks = (envelopes: readonly StoredEnvelope[]) => createSelector(sdks)(envelopes);

const event = storedFixture('sentry-node-11.12/event.envelope', 'e', 1);
const report: StoredEnvelope = {
  id: 'cr',
  receivedAt: 2,
  envelope: [
    { sent_at: '2026-11-24T10:40:00.000Z', sdk: { name: 'sentry.javascript.node', version: '11.12.0' } },
    [
      [
        { type: 'client_report' },
        {
          timestamp: 1,
          discarded_events: [
            { reason: 'queue_overflow', category: 'error', quantity: 300 },
            { reason: 'network_error', category: 'log_item', quantity: 2 },
          ],
        },
      ],
    ],
  ],
};

describe('SDK card', () => {
  it('says how much the SDK dropped, and why', () => {
    const [sdk] = selectSdks([event, report]);
    if (!sdk) throw new Error('no SDK row');
    const html = renderToStaticMarkup(<SdkCard sdk={sdk} index={0} now={Date.now()} />);
    expect(html).toMatch(/data-testid="sdk-dropped" data-count="302"/);
    expect(html.replace(/<[^>]+>/g, '')).toContain(
      '302 dropped before reaching Spotlight: 300 error (no room in a burst), 2 log item (no sidecar reachable)',
    );
  });

  it('shows no such line when nothing was dropped', () => {
    const [sdk] = selectSdks([event]);
    if (!sdk) throw new Error('no SDK row');
    expect(renderToStaticMarkup(<SdkCard sdk={sdk} index={0} now={Date.now()} />)).not.toContain('sdk-dropped');
  });
});
