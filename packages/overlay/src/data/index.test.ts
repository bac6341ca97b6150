import { parseEnvelope, toWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../envelope/src/test/fixtures.ts';
import type { Derivation } from './derive.ts';

const NAMES = [
  ...['session', 'event', 'span', 'log'].map((n) => `sentry-node-11.12/${n}.envelope`),
  ...['web-span', 'web-log', 'api-event', 'api-span', 'api-log'].map((n) => `sentry-node-11.12/express-${n}.envelope`),
];
const wire = (name: string): WireEnvelope => toWireEnvelope(parseEnvelope(fixture(name)));

describe('the data entry in Node', () => {
  it('loads with no DOM and derives issues, traces, logs and sessions from wire envelopes', async () => {
    expect([typeof window, typeof document, typeof requestAnimationFrame]).toEqual(['undefined', 'undefined', 'undefined']);
    const { createStore } = await import('./index.ts');
    const store = createStore();
    const flushed = new Promise<void>((resolve) => store.subscribe(resolve));
    for (const [i, name] of NAMES.entries()) store.add(wire(name), `e${i}`);
    // Without frames, the store flushes on a timer.
    await flushed;
    expect(store.issues().map((issue) => [issue.title, issue.count])).toEqual([
      ['Error', 1],
      ['Error', 1],
    ]);
    expect(store.traces().traces.map((trace) => trace.name)).toEqual(['GET /dashboard', 'probe-transaction (url)']);
    expect(store.logs()).toHaveLength(3);
    expect(
      store
        .sdks()
        .map((sdk) => sdk.service.label)
        .sort(),
    ).toEqual(['node · api@1.0.0', 'node · probe@1.0.0', 'node · web@2.0.0']);
    expect(store.sessions().sessions.map((s) => s.title)).toEqual(['GET /dashboard', 'probe-transaction (url)']);
    store.destroy();
  });
});

describe('two stores (two overlays in one page)', () => {
  it('share nothing: not the envelopes, not what is derived from them, not their caches', async () => {
    const { createStore } = await import('./index.ts');
    const options = { schedule: () => () => {}, now: () => 1_000 };
    const stores = [createStore(options), createStore(options)] as const;
    const [a, b] = stores;
    // The very same envelope objects go into both.
    const envelopes = NAMES.map(wire);
    for (const store of stores) {
      for (const [i, envelope] of envelopes.entries()) store.add(envelope, `e${i}`);
      store.flush();
    }
    // Equal views, made by each store for itself.
    expect(a.issues()).toEqual(b.issues());
    expect(a.issues()[0]).not.toBe(b.issues()[0]);
    expect(a.traces().traces[0]).not.toBe(b.traces().traces[0]);
    expect(a.sessions().current).not.toBe(b.sessions().current);
    const [entryA] = a.getSnapshot().envelopes;
    const [entryB] = b.getSnapshot().envelopes;
    expect(entryA).not.toBe(entryB);

    // What one store gets or loses, the other does not see.
    a.add(wire('sentry-node-10.78/event.envelope'), 'only-a');
    a.flush();
    const events = (store: typeof a) => store.issues().reduce((n, issue) => n + issue.count, 0);
    expect([events(a), events(b)]).toEqual([3, 2]);
    expect([a.errorEventCount(), b.errorEventCount()]).toEqual([3, 2]);
    b.clear();
    b.flush();
    expect([events(a), events(b), b.traces().traces.length, b.sessions().sessions.length]).toEqual([3, 0, 0, 0]);
    expect(a.traces().traces).toHaveLength(2);
  });

  it('keep each derivation up to date on their own, read in turns', async () => {
    const { createStore } = await import('./index.ts');
    // A view that counts the envelopes it was given: each store folds in its own, once.
    let folds = 0;
    const counted: Derivation<{ count: number }, number> = {
      name: 'counted',
      create: () => ({ count: 0 }),
      add(state) {
        folds += 1;
        state.count += 1;
      },
      result: (state) => state.count,
    };
    const a = createStore({ schedule: () => () => {} });
    const b = createStore({ schedule: () => () => {} });
    NAMES.forEach((name, i) => {
      a.add(wire(name), `a${i}`);
      a.flush();
      expect(a.read(counted)).toBe(i + 1);
      b.add(wire(name), `b${i}`);
      b.flush();
      expect(b.read(counted)).toBe(i + 1);
    });
    expect(folds).toBe(NAMES.length * 2);
  });
});
