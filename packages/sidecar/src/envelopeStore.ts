import { type Envelope, type EnvelopeSource, parseEnvelope, SSE_ENVELOPE_EVENT, sseFrame, wireEnvelopeParts } from '@spotlight/envelope';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { RingBuffer, type RingBufferLimits } from './ringBuffer.ts';

/** What the buffer holds of one envelope, as others see it: its bytes are read with `bytesOf()`, its frame built with `frame()`. */
export interface BufferedEnvelope {
  /** UUIDv7: orders by arrival time as a string, unique across restarts. */
  readonly id: string;
  /** Arrival time, ms since the epoch. */
  readonly receivedAt: number;
  readonly source: EnvelopeSource;
  /** Bytes of the envelope as received (decompressed). */
  readonly size: number;
}

/** What the ingest path hands on (to viewers, envelope listeners) for each envelope it stored. */
export interface IngestedEnvelope extends BufferedEnvelope {
  /** Position in the store: sequence numbers grow by one per envelope, across clears. */
  readonly seq: number;
  /** The envelope's bytes, which the caller of `add` passed; the parsed envelope's payloads are views into them. */
  readonly bytes: Uint8Array;
  readonly envelope: Envelope;
  /** Its SSE event (`id:`, `event:`, `data:` with the wire JSON), for every live viewer. */
  readonly frame: Uint8Array;
}

/** An entry as the ring holds it: `raw` is a view into one of the store's blocks, and never leaves this module. */
interface Entry extends BufferedEnvelope {
  readonly raw: Uint8Array;
}

/** The objects of a stored envelope, counted on top of its bytes against the byte bound. */
const ENTRY_OVERHEAD_BYTES = 256;
const BLOCK_BYTES = 1024 * 1024;
/** Larger envelopes get an allocation of their own. */
const MAX_CARVE_BYTES = 128 * 1024;

/**
 * The sidecar's memory of recent envelopes: a ring buffer (bounded by count, bytes and age) of
 * envelopes, kept as their id, arrival and bytes. It knows nothing of viewers: whoever stores an
 * envelope tells them. Frames are not kept: built when an envelope arrives (for the live viewers)
 * and again from its bytes for a replay.
 *
 * The bytes are copied into 1 MiB blocks, carved in arrival order, and a block is carved again
 * once every envelope in it was evicted. Plainer allocations cost more (bench/README.md): a
 * Uint8Array per envelope is external memory, of which V8 lets tens of MiB of garbage pile up
 * before it collects (the sidecar grew past its memory target), and a string per envelope sits in
 * V8's young generation first, which copied every one of them (more CPU per envelope).
 *
 * Invariant: no view of a block leaves this module (`bytesOf()` and `frame()` copy out of it, and
 * `get()`, `at()` and iteration show entries as BufferedEnvelope), so the only holder of a block's
 * bytes is the ring, and eviction, which runs oldest first, is all that frees them.
 */
export class EnvelopeStore extends RingBuffer<BufferedEnvelope> {
  /** Full blocks, oldest first, each with the sequence number of the last envelope carved from it. */
  private readonly full: { block: Buffer; lastSeq: number }[] = [];
  private block: Buffer = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  private offset = 0;

  constructor(
    limits: RingBufferLimits,
    now: () => number = Date.now,
    private readonly nextId: IdGenerator = createIdGenerator(now),
  ) {
    super({ ...limits, key: (stored) => stored.id, size: (stored) => stored.size + ENTRY_OVERHEAD_BYTES, now });
  }

  /** Stores a parsed envelope (whose JSON payloads the parser validated) with `bytes`, its bytes (copied). */
  add(bytes: Uint8Array, envelope: Envelope, source: EnvelopeSource): IngestedEnvelope {
    const id = this.nextId();
    const raw = this.carve(bytes.byteLength);
    raw.set(bytes);
    const entry: Entry = { id, receivedAt: this.now(), source, size: bytes.byteLength, raw };
    const seq = this.push(entry);
    return { id, receivedAt: entry.receivedAt, source, size: entry.size, seq, bytes, envelope, frame: frameOf(entry, envelope) };
  }

  /** A copy of a stored envelope's bytes. */
  bytesOf(stored: BufferedEnvelope): Buffer {
    return Buffer.from((stored as Entry).raw);
  }

  /** The SSE frame of a stored envelope, as `add` built it (for a replay). */
  frame(stored: BufferedEnvelope): Uint8Array {
    // Its JSON payloads were validated when it was stored; the frame copies what it takes of them.
    return frameOf(stored, parseEnvelope((stored as Entry).raw, { validateJsonPayloads: false }));
  }

  /** Room for `size` bytes: in the current block, in the oldest full block once all its envelopes are gone, or a new one. */
  private carve(size: number): Buffer {
    if (size > MAX_CARVE_BYTES) return Buffer.allocUnsafeSlow(size);
    if (this.offset + size > BLOCK_BYTES) {
      // This block's last envelope is the one stored last (its sequence number: endSeq - 1).
      this.full.push({ block: this.block, lastSeq: this.endSeq - 1 });
      // Blocks fill in arrival order: when the oldest full block still holds an envelope, so do the others.
      const oldest = this.full[0];
      if (oldest !== undefined && oldest.lastSeq < this.startSeq) {
        this.full.shift();
        this.block = oldest.block;
      } else {
        this.block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
      }
      this.offset = 0;
    }
    const range = this.block.subarray(this.offset, this.offset + size);
    this.offset += size;
    return range;
  }
}

function frameOf({ id, source }: BufferedEnvelope, envelope: Envelope): Uint8Array {
  const data = wireEnvelopeParts(
    envelope,
    { __spotlight_envelope_id: id, __spotlight_inferred_source: source },
    { trustJsonPayloads: true },
  );
  return sseFrame({ id, event: SSE_ENVELOPE_EVENT, data });
}
