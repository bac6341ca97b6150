import { describe, expect, it } from 'vitest';
import { deliveryStats, markerScanner } from './load.mjs';

const prefix = 'abcd1234';
const marker = (seq: number) => prefix + seq.toString(16).padStart(24, '0');

function scanAll(chunks: Buffer[]): string[] {
  const found: string[] = [];
  const scan = markerScanner(prefix, (m: string) => found.push(m));
  for (const chunk of chunks) scan(chunk, 0);
  return found;
}

describe('markerScanner', () => {
  const stream = Buffer.from(
    `data: {"event_id":"${marker(1)}"}\n\ndata: {"x":"abcd12"}\n\ndata: {"event_id":"${marker(2)}","trace":"${marker(3)}"}\n\n`,
  );

  it('finds each marker once in one chunk', () => {
    expect(scanAll([stream])).toEqual([marker(1), marker(2), marker(3)]);
  });

  it('finds markers split at every possible byte, and in one-byte chunks', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      expect(scanAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual([marker(1), marker(2), marker(3)]);
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(scanAll(bytes)).toEqual([marker(1), marker(2), marker(3)]);
  });

  it('ignores a prefix cut short by the end of the stream', () => {
    expect(scanAll([Buffer.from(`x ${marker(4).slice(0, 20)}`)])).toEqual([]);
  });
});

describe('deliveryStats', () => {
  const load = {
    sent: 4,
    started: 0,
    sentAt: Float64Array.from([10, 20, 30, 40]),
    acceptedFlags: Uint8Array.from([1, 1, 1, 0]),
  };
  const viewer = (entries: [number, number][]) => ({ state: { received: new Map(entries.map(([seq, at]) => [marker(seq), at])) } });

  it('measures latency per (envelope, viewer) and counts only accepted envelopes as lost', () => {
    const stats = deliveryStats(
      [
        viewer([
          [0, 11],
          [1, 25],
          [2, 33],
          [3, 50],
        ]),
        viewer([
          [0, 12],
          [2, 31],
        ]),
      ],
      load,
      prefix,
    );
    expect(stats.latencies).toEqual([1, 5, 3, 2, 1]);
    expect(stats.lostPairs).toBe(1);
    expect(stats.lostEnvelopes).toBe(1);
    expect(stats.lastReceived).toBe(33);
  });
});
