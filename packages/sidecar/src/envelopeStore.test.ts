import { createEnvelope, createItem, parseEnvelope, serializeEnvelope, utf8Decode, utf8Encode } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { EnvelopeStore } from './envelopeStore.ts';
import { envelopeFixtures } from './test/payloads.ts';
import { UUID_V7 } from './test/server.ts';

const LIMITS = { maxEntries: 100, maxBytes: 64 * 1024 * 1024, maxAgeMs: 60_000 };

function add(store: EnvelopeStore, text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? utf8Encode(text) : Uint8Array.from(text);
  return store.add(bytes, parseEnvelope(bytes), 'server');
}

describe('EnvelopeStore', () => {
  it('keeps every envelope byte for byte, with its SSE frame', () => {
    const store = new EnvelopeStore(LIMITS);
    const withBinary = new Uint8Array([
      ...utf8Encode('{"event_id":"a"}\n{"type":"attachment","length":6,"filename":"x.bin"}\n'),
      ...[0, 10, 255, 13, 10, 1],
      ...utf8Encode('\n'),
    ]);
    const cases: (string | Uint8Array)[] = [
      '{}\n{"type":"event"}\n{"message":"plain"}\n',
      '{}\n{"type":"event"}\n{"message":"no trailing newline"}',
      '{}\n{"type":"event","length":14}\n{\n"message":1}\n',
      '{"dsn":"x"}\n{"type":"session","length":0}\n\n',
      '{}\n{"type":"made.up"}\nwhatever bytes\n',
      withBinary,
    ];
    for (const text of cases) {
      const { id } = add(store, text);
      const stored = store.get(id);
      expect(stored && new Uint8Array(store.bytesOf(stored))).toEqual(typeof text === 'string' ? utf8Encode(text) : text);
      const frame = stored && Buffer.from(store.frame(stored)).toString('utf8');
      expect(frame?.startsWith(`id: ${id}\nevent: application/x-sentry-envelope\ndata: [`)).toBe(true);
    }
  });

  it('keeps an envelope built in the sidecar (a legacy /store/ event) as it serializes', () => {
    const store = new EnvelopeStore(LIMITS);
    const envelope = createEnvelope({ event_id: 'a'.repeat(32) }, [
      createItem({ type: 'event' }, JSON.stringify({ message: 'from /store/' })),
    ]);
    const stored = store.add(serializeEnvelope(envelope), envelope, 'server');
    const kept = store.get(stored.id);
    expect(kept && utf8Decode(store.bytesOf(kept))).toBe(utf8Decode(serializeEnvelope(envelope)));
  });

  it('counts the bytes of each envelope against the byte bound', () => {
    const store = new EnvelopeStore(LIMITS);
    const payload = `{"message":"${'x'.repeat(10_000)}"}`;
    add(store, `{}\n{"type":"event"}\n${payload}\n`);
    expect(store.byteSize).toBeGreaterThan(payload.length);
    expect(store.byteSize).toBeLessThan(payload.length + 512);
  });

  it("builds a replay's frame as it built the live one", () => {
    const store = new EnvelopeStore(LIMITS);
    for (const { bytes } of envelopeFixtures()) {
      const ingested = store.add(bytes, parseEnvelope(bytes), 'browser');
      const stored = store.get(ingested.id);
      expect(stored && Buffer.from(store.frame(stored)).equals(Buffer.from(ingested.frame))).toBe(true);
    }
  });

  it('keeps every held envelope intact while it reuses the room of evicted ones', () => {
    // Three blocks' worth held at once: the oldest block is freed only a few envelopes before it is needed.
    const store = new EnvelopeStore({ maxEntries: 10_000, maxBytes: 3.16 * 1024 * 1024, maxAgeMs: 60_000 });
    const numbered = (i: number) => `{}\n{"type":"event"}\n{"message":"envelope ${i}","pad":"${'x'.repeat(5000 + (i % 7) * 300)}"}\n`;
    // Every envelope held reads back as it was sent, its frame too, checked often enough that a block
    // reused too early is seen while the envelopes it overwrote are still held (about 600 are).
    const damaged = new Set<number>();
    for (let i = 0; i < 2500; i++) {
      add(store, numbered(i));
      if (i % 25 !== 0) continue;
      for (let seq = store.startSeq; seq < store.endSeq; seq++) {
        const stored = store.at(seq);
        const index = i - (store.endSeq - 1 - seq);
        const intact =
          stored !== undefined &&
          store.bytesOf(stored).toString('utf8') === numbered(index) &&
          Buffer.from(store.frame(stored)).toString('utf8').includes(`"message":"envelope ${index}"`);
        if (!intact) damaged.add(index);
      }
    }
    expect([...damaged]).toEqual([]);
  });

  it('gives UUIDv7 ids that sort by arrival as strings, within one millisecond too', () => {
    const store = new EnvelopeStore({ ...LIMITS, maxEntries: 5000 });
    const ids = Array.from({ length: 3000 }, (_, i) => add(store, `{}\n{"type":"event"}\n{"n":${i}}`).id);
    expect(ids.filter((id) => !UUID_V7.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
