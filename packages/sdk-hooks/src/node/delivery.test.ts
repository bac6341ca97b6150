import { describe, expect, it } from 'vitest';
import { createDelivery, type DeliveryOptions, SendError } from './delivery.ts';
import type { DiscardedEvents } from './drops.ts';

const bytes = (n: number) => new Uint8Array([n]);

function setup(extra: Partial<DeliveryOptions> = {}) {
  const sent: { envelope: number; url: string }[] = [];
  const warnings: string[] = [];
  let connects = 0;
  const options: DeliveryOptions = {
    connect: async () => {
      connects++;
      return 'http://localhost:8969';
    },
    send: async (envelope, url) => {
      sent.push({ envelope: envelope[0] ?? -1, url });
    },
    maxQueue: 10,
    maxQueueBytes: 1000,
    sendTimeoutMs: 1000,
    warn: (line) => warnings.push(line),
    ...extra,
  };
  return { delivery: createDelivery(options), sent, warnings, connects: () => connects };
}

describe('createDelivery', () => {
  it('connects at the first envelope, not before, and sends everything in order to /stream', async () => {
    const s = setup();
    expect(s.connects()).toBe(0);
    for (let i = 0; i < 5; i++) s.delivery.enqueue(bytes(i));
    expect(await s.delivery.flush(2000)).toBe(true);
    expect(s.connects()).toBe(1);
    expect(s.sent).toEqual([0, 1, 2, 3, 4].map((envelope) => ({ envelope, url: 'http://localhost:8969/stream' })));
    expect(s.delivery.stats()).toEqual({ sent: 5, dropped: 0, rejected: 0, queued: 0 });
    expect(s.delivery.url()).toBe('http://localhost:8969');
  });

  it('holds envelopes while the sidecar starts, bounded by count and bytes; the overflow is dropped, counted, said once and reported', async () => {
    let started: (url: string) => void = () => {};
    const reports: DiscardedEvents[][] = [];
    const s = setup({
      connect: () => new Promise((resolve) => (started = resolve)),
      maxQueue: 3,
      maxQueueBytes: 250,
      clientReport: (discarded) => {
        reports.push([...discarded]);
        return bytes(99);
      },
    });
    for (let i = 0; i < 5; i++) s.delivery.enqueue(bytes(i), [{ category: 'error', quantity: 1 }]);
    s.delivery.enqueue(new Uint8Array(300), [{ category: 'span', quantity: 4 }]);
    expect(s.delivery.stats()).toEqual({ sent: 0, dropped: 3, rejected: 0, queued: 3 });
    started('http://localhost:9000');
    await s.delivery.flush(2000);
    // The three that fitted, in order, then the client report of the rest.
    expect(s.sent.map((x) => x.envelope)).toEqual([0, 1, 2, 99]);
    expect(reports).toEqual([
      [
        { reason: 'queue_overflow', category: 'error', quantity: 2 },
        { reason: 'queue_overflow', category: 'span', quantity: 4 },
      ],
    ]);
    expect(s.delivery.stats()).toEqual({ sent: 3, dropped: 3, rejected: 0, queued: 0 });
    expect(s.warnings).toEqual([
      "dropped 3 envelopes in a burst: more than 3 envelopes or 0 MiB were waiting (raise maxQueue / maxQueueBytes); counted in stats() and in Spotlight's SDKs view",
    ]);

    // A second burst: counted and reported again, not said again.
    for (let i = 0; i < 5; i++) s.delivery.enqueue(bytes(i), [{ category: 'error', quantity: 1 }]);
    await s.delivery.flush(2000);
    expect(s.warnings).toHaveLength(1);
    expect(s.delivery.stats().dropped).toBe(5);
  });

  it('counts what the SDK could not process, and reports it even when nothing else is sent', async () => {
    const reports: DiscardedEvents[][] = [];
    const s = setup({
      clientReport: (discarded) => {
        reports.push([...discarded]);
        return bytes(99);
      },
    });
    s.delivery.dropped('queue_overflow', [{ category: 'transaction', quantity: 1 }]);
    s.delivery.dropped('queue_overflow', [{ category: 'transaction', quantity: 1 }]);
    expect(s.delivery.stats()).toEqual({ sent: 0, dropped: 2, rejected: 0, queued: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    await s.delivery.flush(2000);
    expect(reports).toEqual([[{ reason: 'queue_overflow', category: 'transaction', quantity: 2 }]]);
    expect(s.sent.map((x) => x.envelope)).toEqual([99]);
    expect(s.warnings).toHaveLength(1);
  });

  it('keeps the count while no sidecar answers, and reports it once one does', async () => {
    let clock = 0;
    let up = false;
    const reports: DiscardedEvents[][] = [];
    const s = setup({
      now: () => clock,
      connect: async () => {
        if (!up) throw new Error('down');
        return 'http://localhost:8969';
      },
      clientReport: (discarded) => {
        reports.push([...discarded]);
        return bytes(99);
      },
    });
    s.delivery.enqueue(bytes(1), [{ category: 'error', quantity: 1 }]);
    await s.delivery.flush(2000);
    s.delivery.enqueue(bytes(2), [{ category: 'log_item', quantity: 3 }]);
    expect(reports).toEqual([]);
    clock += 1001;
    up = true;
    s.delivery.enqueue(bytes(3));
    await s.delivery.flush(2000);
    expect(s.sent.map((x) => x.envelope)).toEqual([3, 99]);
    expect(reports).toEqual([
      [
        { reason: 'network_error', category: 'error', quantity: 1 },
        { reason: 'network_error', category: 'log_item', quantity: 3 },
      ],
    ]);
    expect(s.delivery.stats()).toEqual({ sent: 1, dropped: 2, rejected: 0, queued: 0 });
  });

  it('when no sidecar can be reached: drops, warns once, backs off without trying again at once', async () => {
    let clock = 0;
    let connects = 0;
    const s = setup({
      now: () => clock,
      connect: async () => {
        connects++;
        throw new Error('no sidecar answered within 5000ms');
      },
    });
    s.delivery.enqueue(bytes(1));
    s.delivery.enqueue(bytes(2));
    await s.delivery.flush(2000);
    for (let i = 0; i < 20; i++) s.delivery.enqueue(bytes(3));
    expect(connects).toBe(1);
    expect(s.delivery.stats()).toEqual({ sent: 0, dropped: 22, rejected: 0, queued: 0 });
    clock += 1001;
    s.delivery.enqueue(bytes(4));
    await s.delivery.flush(2000);
    expect(connects).toBe(2);
    expect(s.warnings).toEqual(['no Spotlight sidecar reachable (no sidecar answered within 5000ms); dropping envelopes while it is down']);
  });

  it('looks for the sidecar again once when it went away (idle exit), then carries on', async () => {
    let alive = false;
    const urls = ['http://localhost:1', 'http://localhost:2'];
    const s = setup({
      connect: async () => urls.shift() ?? 'none',
      send: async (_envelope, url) => {
        if (url === 'http://localhost:1/stream' && alive) throw new Error('ECONNREFUSED');
      },
    });
    s.delivery.enqueue(bytes(1));
    await s.delivery.flush(2000);
    alive = true;
    s.delivery.enqueue(bytes(2));
    await s.delivery.flush(2000);
    expect(s.delivery.url()).toBe('http://localhost:2');
    expect(s.delivery.stats()).toEqual({ sent: 2, dropped: 0, rejected: 0, queued: 0 });
    expect(s.warnings).toEqual([]);
  });

  it('counts what the sidecar refuses and goes on with the next envelope', async () => {
    let reportsRefused = 0;
    const accepted: number[] = [];
    const s = setup({
      send: async (envelope) => {
        if (envelope[0] === 1) throw new SendError('HTTP 413: too large', 413);
        if (envelope[0] === 99 && reportsRefused++ === 0) throw new SendError('HTTP 400: bad report', 400);
        accepted.push(envelope[0] ?? -1);
      },
      clientReport: () => bytes(99),
    });
    for (let i = 0; i < 3; i++) s.delivery.enqueue(bytes(i), [{ category: 'error', quantity: 1 }]);
    await s.delivery.flush(2000);
    expect(s.delivery.stats()).toEqual({ sent: 2, dropped: 0, rejected: 1, queued: 0 });
    // A refused report is not sent again and again.
    expect(accepted).toEqual([0, 2]);
    expect(reportsRefused).toBe(1);
  });

  it('bounds each send in time, and flush reports false when its own limit passes first', async () => {
    const s = setup({ send: () => new Promise(() => {}), sendTimeoutMs: 50 });
    s.delivery.enqueue(bytes(1));
    expect(await s.delivery.flush(10)).toBe(false);
    expect(await s.delivery.flush(2000)).toBe(true);
    expect(s.delivery.stats().sent).toBe(0);
    expect(s.warnings).toEqual(['no Spotlight sidecar reachable (no answer within 50ms); dropping envelopes while it is down']);
  });
});
