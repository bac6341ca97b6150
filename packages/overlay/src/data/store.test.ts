import { parseEnvelope, toWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture } from '../../../envelope/src/test/fixtures.ts';
import type { Derivation } from './derive.ts';
import { createStore, envelopeEventIds, frameScheduler, type Scheduler } from './store.ts';

/** A scheduler the test runs by hand: one pending flush at a time, like one animation frame. */
function manualScheduler() {
  const pending: (() => void)[] = [];
  const schedule: Scheduler = (flush) => {
    pending.push(flush);
    return () => {
      const at = pending.indexOf(flush);
      if (at >= 0) pending.splice(at, 1);
    };
  };
  return {
    schedule,
    pending: () => pending.length,
    frame() {
      for (const flush of pending.splice(0)) flush();
    },
  };
}

const eventEnvelope = () => toWireEnvelope(parseEnvelope(fixture('sentry-node-11.12/event.envelope')));

function logEnvelope(n: number): WireEnvelope {
  return [{ sdk: { name: 'sentry.javascript.node', version: '11.12.0' } }, [[{ type: 'log' }, { items: [{ body: `line ${n}` }] }]]];
}

describe('store', () => {
  it('batches a burst into one notification per frame', () => {
    const frames = manualScheduler();
    const store = createStore({ schedule: frames.schedule, now: () => 1000 });
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    const before = store.getSnapshot();
    for (let i = 0; i < 500; i++) store.add(logEnvelope(i), `id-${String(i).padStart(4, '0')}`);
    expect(notified).toBe(0);
    expect(frames.pending()).toBe(1);
    // Until the frame runs, readers see the previous snapshot, unchanged.
    expect(store.getSnapshot()).toBe(before);
    frames.frame();
    expect(notified).toBe(1);
    const after = store.getSnapshot();
    expect(after.envelopes).toHaveLength(500);
    expect(after.version).toBe(1);
    expect(after.envelopes[0]).toEqual({ id: 'id-0000', receivedAt: 1000, envelope: logEnvelope(0) });
    // Nothing changed: no frame is scheduled and the snapshot stays the same object.
    frames.frame();
    expect(store.getSnapshot()).toBe(after);
    expect(notified).toBe(1);
  });

  it('drops the oldest envelopes beyond its cap', () => {
    const frames = manualScheduler();
    const store = createStore({ cap: 3, schedule: frames.schedule });
    for (let i = 1; i <= 5; i++) store.add(logEnvelope(i), `id-${i}`);
    frames.frame();
    expect(store.getSnapshot().envelopes.map((e) => e.id)).toEqual(['id-3', 'id-4', 'id-5']);
    expect(store.getSnapshot().dropped).toBe(2);
    // A dropped id may come again (e.g. a replay after the sidecar restarted) and is kept then.
    expect(store.add(logEnvelope(1), 'id-1')).toBe(true);
    frames.frame();
    expect(store.getSnapshot().envelopes.map((e) => e.id)).toEqual(['id-4', 'id-5', 'id-1']);
  });

  it('stays correct over many cap turnovers', () => {
    const frames = manualScheduler();
    const store = createStore({ cap: 100, schedule: frames.schedule });
    for (let i = 0; i < 1050; i++) store.add(logEnvelope(i), `id-${i}`);
    frames.frame();
    const ids = store.getSnapshot().envelopes.map((e) => e.id);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe('id-950');
    expect(ids[99]).toBe('id-1049');
    expect(store.add(logEnvelope(1049), 'id-1049')).toBe(false);
  });

  it('deduplicates by sidecar id and by event id', () => {
    const frames = manualScheduler();
    const store = createStore({ schedule: frames.schedule });
    const event = eventEnvelope();
    expect(envelopeEventIds(event)).toEqual(['c338dc2e74ec4fa8b7fa2c44d7ed9f2d']);
    expect(store.add(event, 'a')).toBe(true);
    expect(store.add(event, 'a')).toBe(false);
    // The same event through another path (initialEvents, the SDK bridge, a second sidecar) under another id.
    expect(store.add(structuredClone(event), 'b')).toBe(false);
    expect(store.add(structuredClone(event))).toBe(false);
    frames.frame();
    expect(store.getSnapshot().envelopes.map((e) => e.id)).toEqual(['a']);
  });

  it('names envelopes without a sidecar id by the published header id, else locally', () => {
    const frames = manualScheduler();
    const store = createStore({ schedule: frames.schedule });
    const published: WireEnvelope = [{ __spotlight_envelope_id: '01a20cbc-ce25' }, [[{ type: 'log' }, { items: [] }]]];
    store.add(published);
    store.add(logEnvelope(1));
    store.add(logEnvelope(2));
    frames.frame();
    expect(store.getSnapshot().envelopes.map((e) => e.id)).toEqual(['01a20cbc-ce25', 'local-1', 'local-2']);
  });

  it('clears, and forgets ids so the same envelopes can come again', () => {
    const frames = manualScheduler();
    const store = createStore({ schedule: frames.schedule });
    store.add(eventEnvelope(), 'a');
    frames.frame();
    store.clear();
    frames.frame();
    expect(store.getSnapshot().envelopes).toEqual([]);
    expect(store.add(eventEnvelope(), 'a')).toBe(true);
  });

  it('keeps arrival order in receivedAt even when the clock goes back', () => {
    const frames = manualScheduler();
    const times = [5000, 4000, 6000];
    const store = createStore({ schedule: frames.schedule, now: () => times.shift() ?? 0 });
    for (let i = 0; i < 3; i++) store.add(logEnvelope(i), `id-${i}`);
    frames.frame();
    expect(store.getSnapshot().envelopes.map((e) => e.receivedAt)).toEqual([5000, 5000, 6000]);
  });

  it('carries connection state and session trace ids in the same snapshot', () => {
    const frames = manualScheduler();
    const store = createStore({ schedule: frames.schedule });
    store.add(logEnvelope(1), 'a');
    frames.frame();
    const before = store.getSnapshot();
    store.setConnection({ status: 'open' });
    store.addSessionTraceIds(['t1', 't2', '']);
    frames.frame();
    const snapshot = store.getSnapshot();
    expect(snapshot.connection).toEqual({ status: 'open' });
    // Only the connection changed: the envelope array stays the same object, so no selector recomputes.
    expect(snapshot.envelopes).toBe(before.envelopes);
    expect([...snapshot.sessionTraceIds]).toEqual(['t1', 't2']);
    // Repeating the same values is not a change.
    store.setConnection({ status: 'open' });
    store.addSessionTraceIds(['t1']);
    expect(frames.pending()).toBe(0);
  });

  it('hands every added envelope to onAdd as it arrives, duplicates not, and keeps it when onAdd throws', () => {
    const frames = manualScheduler();
    const added: string[] = [];
    const store = createStore({
      schedule: frames.schedule,
      onAdd: (entry) => {
        added.push(entry.id);
        if (entry.id === 'b') throw new Error('a cache that could not be filled');
      },
    });
    expect(store.add(logEnvelope(1), 'a')).toBe(true);
    expect(store.add(logEnvelope(1), 'a')).toBe(false);
    expect(store.add(logEnvelope(2), 'b')).toBe(true);
    expect(added).toEqual(['a', 'b']);
    frames.frame();
    expect(store.getSnapshot().envelopes.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('flushes on demand and stops notifying after destroy', () => {
    const frames = manualScheduler();
    const store = createStore({ schedule: frames.schedule });
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    store.add(logEnvelope(1), 'x');
    store.flush();
    expect(notified).toBe(1);
    expect(frames.pending()).toBe(0);
    store.add(logEnvelope(2), 'y');
    store.destroy();
    frames.frame();
    expect(notified).toBe(1);
  });
});

describe('store in steps (a sidecar replaying its buffer into a page)', () => {
  /** A view that counts what it folds in: whether a read after a step still had work to do. */
  function countingView() {
    const folded: string[] = [];
    const view: Derivation<{ count: number }, number> = {
      name: 'counting',
      create: () => ({ count: 0 }),
      add(state, entry) {
        folded.push(entry.id);
        state.count += 1;
      },
      remove(state) {
        state.count -= 1;
      },
      result: (state) => state.count,
    };
    return { view, folded };
  }

  it('publishes at most so many envelopes per step, derives what readers read, and tells them at the next frame', () => {
    const frames = manualScheduler();
    const tasks: (() => void)[] = [];
    const store = createStore({
      schedule: frames.schedule,
      stepEnvelopes: 3,
      post: (task) => {
        tasks.push(task);
        return () => tasks.splice(tasks.indexOf(task), 1);
      },
    });
    const { view, folded } = countingView();
    let told = 0;
    store.subscribe(() => {
      told += 1;
      // A reader: the subscriber reads the view at each version it is told about.
      store.read(view);
    });
    store.read(view);
    for (let i = 0; i < 8; i++) store.add(logEnvelope(i), `id-${i}`);
    expect(tasks).toHaveLength(1);
    // Each step takes three more into the snapshot and derives them, before anyone reads.
    (tasks.shift() as () => void)();
    expect(store.getSnapshot().envelopes).toHaveLength(3);
    expect(folded).toHaveLength(3);
    frames.frame();
    expect(told).toBe(1);
    expect(folded).toHaveLength(3);
    (tasks.shift() as () => void)();
    (tasks.shift() as () => void)();
    expect([store.getSnapshot().envelopes.length, folded.length, tasks.length]).toEqual([8, 8, 0]);
    frames.frame();
    expect([told, store.read(view), folded.length]).toEqual([2, 8, 8]);
  });

  it('lets go of views no reader read since the store last told them', () => {
    const tasks: (() => void)[] = [];
    const frames = manualScheduler();
    const post = (task: () => void) => {
      tasks.push(task);
      return () => {};
    };
    const store = createStore({ schedule: frames.schedule, stepEnvelopes: 10, post });
    const { view, folded } = countingView();
    store.read(view);
    store.add(logEnvelope(1), 'a');
    (tasks.shift() as () => void)();
    frames.frame();
    store.add(logEnvelope(2), 'b');
    (tasks.shift() as () => void)();
    frames.frame();
    // Not read in the last two rounds: the step leaves it alone, a reader that comes back catches it up.
    store.add(logEnvelope(3), 'c');
    (tasks.shift() as () => void)();
    expect(folded).toEqual(['a', 'b']);
    expect(store.read(view)).toBe(3);
  });

  it('publishes everything at once on flush()', () => {
    const store = createStore({ schedule: () => () => {}, stepEnvelopes: 2, post: () => () => {} });
    for (let i = 0; i < 5; i++) store.add(logEnvelope(i), `id-${i}`);
    store.flush();
    expect(store.getSnapshot().envelopes).toHaveLength(5);
  });
});

describe('store pacing', () => {
  /** A scheduler that records how long each flush is asked to wait, and a clock the test moves. */
  function pacedStore() {
    const clock = { t: 0 };
    const waits: number[] = [];
    const pending: (() => void)[] = [];
    const schedule: Scheduler = (flush, afterMs = 0) => {
      waits.push(afterMs);
      pending.push(flush);
      return () => {};
    };
    const store = createStore({ schedule, clock: () => clock.t });
    let n = 0;
    return {
      store,
      clock,
      waits,
      add: () => store.add(logEnvelope(n), `id-${n++}`),
      /** Runs the pending flush and the microtasks its subscribers queued. */
      async frame() {
        for (const flush of pending.splice(0)) flush();
        await Promise.resolve();
      },
    };
  }

  it('waits twice what the last flush cost its subscribers before the next one, at most a second', async () => {
    const paced = pacedStore();
    let renderMs = 120;
    paced.store.subscribe(() => {
      paced.clock.t += renderMs;
    });
    paced.add();
    expect(paced.waits).toEqual([0]);
    await paced.frame();
    paced.add();
    expect(paced.waits.at(-1)).toBe(240);
    await paced.frame();
    // Time the page already had since that flush counts.
    paced.clock.t += 200;
    paced.add();
    expect(paced.waits.at(-1)).toBe(40);
    renderMs = 5000;
    await paced.frame();
    paced.add();
    expect(paced.waits.at(-1)).toBe(1000);
    // Cheap renders come back to every frame at once.
    renderMs = 2;
    await paced.frame();
    paced.add();
    expect(paced.waits.at(-1)).toBe(4);
  });

  it('counts work the subscribers defer to a microtask, as React does when it renders for them', async () => {
    const paced = pacedStore();
    paced.store.subscribe(() =>
      queueMicrotask(() => {
        paced.clock.t += 80;
      }),
    );
    paced.add();
    await paced.frame();
    paced.add();
    expect(paced.waits.at(-1)).toBe(160);
  });
});

describe('frameScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits afterMs, then a frame (a macrotask where there are no frames), and can be cancelled meanwhile', () => {
    vi.useFakeTimers();
    const flushed: string[] = [];
    frameScheduler(() => flushed.push('late'), 300);
    const cancel = frameScheduler(() => flushed.push('cancelled'), 300);
    vi.advanceTimersByTime(305);
    cancel();
    expect(flushed).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(flushed).toEqual(['late']);
    frameScheduler(() => flushed.push('now'));
    vi.advanceTimersByTime(16);
    expect(flushed).toEqual(['late', 'now']);
  });
});
