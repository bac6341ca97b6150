import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { EnvelopeStore } from './envelopeStore.ts';
import { silentLogger } from './logger.ts';
import { eventEnvelope } from './test/payloads.ts';
import { ViewerHub } from './viewers.ts';

/** A response that records what is written; `unsent` plays the socket's backlog. */
class FakeResponse extends EventEmitter {
  readonly writes: string[] = [];
  unsent = 0;
  destroyed = false;
  corked = 0;
  get writableLength(): number {
    return this.unsent;
  }
  write(chunk: Uint8Array): boolean {
    this.writes.push(Buffer.from(chunk).toString('utf8'));
    return true;
  }
  cork(): void {
    this.corked++;
  }
  uncork(): void {}
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  /** Ids of the envelope frames written, in order. */
  get ids(): string[] {
    return this.writes.filter((w) => w.startsWith('id: ')).map((w) => w.slice(4, w.indexOf('\n')));
  }
}

function setup(options: { maxQueueBytes?: number } = {}) {
  const store = new EnvelopeStore({ maxEntries: 100, maxBytes: 1e9, maxAgeMs: 1e9 });
  const hub = new ViewerHub({ store, maxViewers: 10, maxQueueBytes: options.maxQueueBytes ?? 1e9, heartbeatMs: 60_000, log: silentLogger });
  const ingest = (message: string) => {
    const bytes = eventEnvelope(message);
    const stored = store.add(bytes, parseEnvelope(bytes), 'server');
    hub.broadcast(stored.frame, stored.seq);
    return stored.id;
  };
  const viewer = (lastEventId?: string) => {
    const res = new FakeResponse();
    hub.add(res as unknown as ServerResponse, lastEventId);
    return res;
  };
  return { store, hub, ingest, viewer };
}

describe('ViewerHub', () => {
  it('writes the envelopes of one turn to a live viewer in one corked write', async () => {
    const { hub, ingest, viewer } = setup();
    const res = viewer();
    const ids = [ingest('a'), ingest('b'), ingest('c')];
    expect(res.ids).toEqual([]);
    await nextTurn();
    expect(res.ids).toEqual(ids);
    expect(res.corked).toBe(1);
    hub.close();
  });

  it('does not send twice what a viewer replayed during the same turn', async () => {
    const { hub, ingest, viewer } = setup();
    const early = viewer();
    const first = ingest('before join');
    const late = viewer(); // replays `first` at once, while its live frame is still pending
    const second = ingest('after join');
    await nextTurn();
    expect(late.ids).toEqual([first, second]);
    expect(early.ids).toEqual([first, second]);
    hub.close();
  });

  it('flushes pending envelopes before the clear event', async () => {
    const { hub, store, ingest, viewer } = setup();
    const res = viewer();
    const id = ingest('just before clear');
    store.clear();
    hub.cleared();
    expect(res.writes.at(-2)?.startsWith(`id: ${id}\n`)).toBe(true);
    expect(res.writes.at(-1)).toBe('event: spotlight.clear\ndata: {}\n\n');
    await nextTurn();
    expect(res.ids).toEqual([id]);
    hub.close();
  });

  it('disconnects only the viewer whose backlog passed the limit', async () => {
    const { hub, ingest, viewer } = setup({ maxQueueBytes: 1000 });
    const slow = viewer();
    const fine = viewer();
    slow.unsent = 1001;
    const id = ingest('x');
    await nextTurn();
    expect(slow.destroyed).toBe(true);
    expect(fine.ids).toEqual([id]);
    expect(hub.count).toBe(1);
    expect(hub.slowDisconnected).toBe(1);
    hub.close();
  });

  it('paces a replay on the socket: waits for drain past its window, then goes live', async () => {
    const { hub, ingest, store } = setup();
    const ids = Array.from({ length: 5 }, (_, i) => ingest(`m${i}`));
    await nextTurn();
    const res = new FakeResponse();
    res.write = (chunk: Uint8Array) => {
      res.writes.push(Buffer.from(chunk).toString('utf8'));
      res.unsent += 600 * 1024; // two frames fill the 1 MiB replay window
      return false;
    };
    hub.add(res as unknown as ServerResponse, undefined);
    expect(res.ids).toEqual(ids.slice(0, 2));
    res.unsent = 0;
    res.emit('drain');
    await nextTurn();
    expect(res.ids).toEqual(ids.slice(0, 4));
    res.unsent = 0;
    res.emit('drain');
    await nextTurn();
    expect(res.ids).toEqual(ids);
    const live = ingest('live');
    await nextTurn();
    expect(res.ids).toEqual([...ids, live]);
    expect(store.size).toBe(6);
    hub.close();
  });
});
