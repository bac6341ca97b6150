import { parseEnvelope, toWireEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { envelopeFixtures, fixture } from '../../../envelope/src/test/fixtures.ts';
import { errorEventsOf } from './grouping.ts';
import { createStore, PREPARED } from './index.ts';
import { sdkOfEnvelope } from './sdks.ts';
import { sessionFactsOf } from './sessions.ts';
import type { StoredEnvelope } from './store.ts';

function storeWithPrepare() {
  return createStore({ schedule: () => () => {} });
}

function only(store: ReturnType<typeof storeWithPrepare>): StoredEnvelope {
  store.flush();
  const [stored] = store.getSnapshot().envelopes;
  if (stored === undefined) throw new Error('nothing stored');
  return stored;
}

describe('what a store derives of an envelope as it arrives', () => {
  it('derives what the views read of an envelope as it arrives, not at the first render', () => {
    const store = storeWithPrepare();
    store.add(toWireEnvelope(parseEnvelope(fixture('sentry-node-11.12/event.envelope'))), 'e1');
    const stored = only(store);
    // Stored envelopes never change; this one is changed on purpose, after it arrived: what the views
    // read must be what was derived then.
    const [header, items] = stored.envelope;
    const title = errorEventsOf({ ...stored }).at(0)?.title;
    const sdkName = sdkOfEnvelope({ ...stored })?.name;
    const errorCount = [...sessionFactsOf({ ...stored }).parts.values()].reduce((n, part) => n + part.errorCount, 0);
    (header.sdk as { name: string }).name = 'changed.later';
    items.splice(0);

    expect([title, sdkName]).toEqual(['Error', 'sentry.javascript.node']);
    expect(store.of(errorEventsOf, stored).at(0)?.title).toBe('Error');
    expect(store.of(sdkOfEnvelope, stored)?.name).toBe('sentry.javascript.node');
    expect([...store.of(sessionFactsOf, stored).parts.values()].reduce((n, part) => n + part.errorCount, 0)).toBe(errorCount);
    expect(errorCount).toBe(1);
  });

  it('takes every captured envelope', () => {
    for (const { name, bytes } of envelopeFixtures()) {
      const store = storeWithPrepare();
      expect(store.add(toWireEnvelope(parseEnvelope(bytes)), name), name).toBe(true);
      const stored = only(store);
      expect(() => {
        for (const reader of PREPARED) store.of(reader, stored);
      }, name).not.toThrow();
    }
  });
});
