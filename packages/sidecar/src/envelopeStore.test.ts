import { createEnvelope, createItem, parseEnvelope, serializeEnvelope, utf8Decode, utf8Encode } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { EnvelopeStore, envelopeBytes } from './envelopeStore.ts';
import { createIdGenerator } from './ids.ts';

const LIMITS = { maxEntries: 100, maxBytes: 64 * 1024 * 1024, maxAgeMs: 60_000 };

function add(store: EnvelopeStore, text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? utf8Encode(text) : Uint8Array.from(text);
  return { bytes, stored: store.add(bytes, parseEnvelope(bytes), 'server') };
}

describe('EnvelopeStore', () => {
  it('gives back every envelope byte for byte, whichever of its bytes the frame shares', () => {
    const store = new EnvelopeStore(LIMITS, createIdGenerator());
    const binary = Uint8Array.from([0, 10, 255, 13, 10, 1]);
    const withBinary = new Uint8Array([
      ...utf8Encode('{"event_id":"a"}\n{"type":"attachment","length":6,"filename":"x.bin"}\n'),
      ...binary,
      ...utf8Encode('\n'),
    ]);
    const cases: (string | Uint8Array)[] = [
      '{}\n{"type":"event"}\n{"message":"plain"}\n',
      '{}\n{"type":"event"}\n{"message":"no trailing newline"}',
      '{}\n{"type":"event","length":14}\n{\n"message":1}\n', // a line break inside JSON: re-encoded in the frame
      '{"dsn":"x"}\n{"type":"session","length":0}\n\n',
      '{}\n{"type":"made.up"}\nwhatever bytes\n',
      withBinary,
    ];
    const ids = cases.map((text) => {
      const { bytes, stored } = add(store, text);
      // The caller's buffer may be reused (a socket's read buffer): what is stored must not depend on it.
      bytes.fill(0x20);
      return { id: stored.id, original: typeof text === 'string' ? utf8Encode(text) : text };
    });
    for (const { id, original } of ids) {
      const stored = store.get(id);
      expect(stored && envelopeBytes(stored)).toEqual(original);
    }
  });

  it('gives back an envelope built in the sidecar (a legacy /store/ event) as it serializes', () => {
    const store = new EnvelopeStore(LIMITS, createIdGenerator());
    const envelope = createEnvelope({ event_id: 'a'.repeat(32) }, [
      createItem({ type: 'event' }, JSON.stringify({ message: 'from /store/' })),
    ]);
    const stored = store.add(serializeEnvelope(envelope), envelope, 'server');
    const kept = store.get(stored.id);
    expect(kept && utf8Decode(envelopeBytes(kept))).toBe(utf8Decode(serializeEnvelope(envelope)));
  });

  it('counts a shared byte once against the byte bound', () => {
    const store = new EnvelopeStore(LIMITS, createIdGenerator());
    const payload = `{"message":"${'x'.repeat(10_000)}"}`;
    const { stored } = add(store, `{}\n{"type":"event"}\n${payload}\n`);
    const kept = store.get(stored.id);
    // The payload lives in the frame only: the stored size is the frame plus bookkeeping, not twice the payload.
    expect(kept?.size).toBeLessThan(payload.length * 1.5);
    expect(kept?.size).toBeGreaterThan(payload.length);
  });
});

describe('EnvelopeStore memory', () => {
  /** Envelopes of about 5 KB whose message says which one they are. */
  const numbered = (i: number) => `{}\n{"type":"event"}\n{"message":"envelope ${i}","pad":"${'x'.repeat(5000)}"}\n`;
  const SMALL = { maxEntries: 10_000, maxBytes: 256 * 1024, maxAgeMs: 60_000 };

  it('carves the memory of evicted envelopes again, and never the memory of one it holds', () => {
    const store = new EnvelopeStore(SMALL, createIdGenerator(), Date.now, () => Number.POSITIVE_INFINITY);
    const blocks = new Set<ArrayBufferLike>();
    for (let i = 0; i < 2000; i++) {
      const { stored } = add(store, numbered(i));
      blocks.add(stored.frame.buffer);
      // The oldest envelope held is intact after every add.
      const oldest = store.at(store.startSeq);
      const oldestIndex = i - (store.endSeq - store.startSeq) + 1;
      expect(oldest && new TextDecoder().decode(envelopeBytes(oldest))).toBe(numbered(oldestIndex));
    }
    // 10 MB went through a 256 KiB buffer in a handful of 1 MiB blocks.
    expect(blocks.size).toBeLessThanOrEqual(3);
  });

  it('never carves again the memory of a frame still in flight, evicted or not', () => {
    // Frames from the 500th on are still being sent (a viewer fell behind).
    const store = new EnvelopeStore(SMALL, createIdGenerator(), Date.now, () => 500);
    const frames: Buffer[] = [];
    for (let i = 0; i < 1500; i++) frames.push(add(store, numbered(i)).stored.frame);
    const intact = (i: number) => frames[i]?.toString('utf8').includes(`envelope ${i}"`) === true;
    expect(frames.slice(500).every((_, k) => intact(500 + k))).toBe(true);
    // The memory of the first 500 (evicted, sent) was carved again.
    expect(frames.slice(0, 500).some((_, i) => !intact(i))).toBe(true);
    expect(new Set(frames.map((frame) => frame.buffer)).size).toBeLessThan(
      new Set(frames.slice(500).map((frame) => frame.buffer)).size + 2,
    );
  });
});
