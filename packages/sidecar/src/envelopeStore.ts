import { type Envelope, serializeEnvelope } from '@spotlight/envelope';
import type { IdGenerator } from './ids.ts';
import { RingBuffer, type RingBufferLimits } from './ringBuffer.ts';
import { SlabAllocator } from './slab.ts';
import { envelopeFrame } from './sseFrames.ts';

/** Where an envelope came from, as the published sidecar reports it in `__spotlight_inferred_source`. */
export type EnvelopeSource = 'browser' | 'server';

/**
 * What the buffer keeps per envelope: its frame, and the envelope itself with its byte ranges
 * pointing into the frame wherever the frame holds them unchanged (item headers, JSON payloads),
 * so that most of an envelope's bytes are held once. `envelopeBytes` puts the original together.
 */
export interface StoredEnvelope {
  /** Sidecar id: orders by arrival time, unique across restarts. */
  readonly id: string;
  /** Arrival time, ms since the epoch. */
  readonly receivedAt: number;
  /** Its SSE event (`id:`, `event:`, `data:`), serialized once for every viewer. */
  readonly frame: Buffer;
  readonly envelope: Envelope;
  /** Memory counted against the buffer's byte bound. */
  readonly size: number;
}

/** The envelope's bytes as received (decompressed), byte for byte. */
export function envelopeBytes(stored: StoredEnvelope): Uint8Array {
  return serializeEnvelope(stored.envelope);
}

/** What envelope listeners (forwarders, tests) get for each envelope, once it is stored. */
export interface IngestedEnvelope {
  readonly id: string;
  /** Position in the store: sequence numbers grow by one per envelope, across clears. */
  readonly seq: number;
  readonly receivedAt: number;
  /** The envelope as received, decompressed. */
  readonly bytes: Uint8Array;
  /** The parsed envelope; its payloads are views into `bytes`. */
  readonly envelope: Envelope;
  readonly source: EnvelopeSource;
  /** The stored frame. Its memory is carved again once the envelope is evicted: read it in this turn, or copy it. */
  readonly frame: Buffer;
}

/** Bookkeeping per stored envelope and per item (objects, parsed headers), counted on top of its bytes. */
const ENTRY_OVERHEAD_BYTES = 256;
const ITEM_OVERHEAD_BYTES = 96;

/**
 * The sidecar's memory of recent envelopes: a ring buffer of stored envelopes with their frames,
 * in memory carved from large blocks. Adding one is O(1) amortized plus encoding its frame.
 */
export class EnvelopeStore {
  private readonly ring: RingBuffer<StoredEnvelope>;
  private readonly slab: SlabAllocator;

  /**
   * `oldestFrameInFlight`: the lowest sequence number whose frame may still be read after the store
   * let it go (a broadcast is pending, or a viewer's socket has not sent it yet); Infinity when none.
   * An evicted envelope's memory is carved again only below it, so that a frame is never
   * overwritten while it is being sent. Without it, memory is never carved again.
   */
  constructor(
    limits: RingBufferLimits,
    private readonly nextId: IdGenerator,
    private readonly now: () => number = Date.now,
    oldestFrameInFlight: () => number = () => Number.NEGATIVE_INFINITY,
  ) {
    this.ring = new RingBuffer<StoredEnvelope>({ ...limits, key: (stored) => stored.id, size: (stored) => stored.size, now });
    this.slab = new SlabAllocator({
      reusable: (owner) => owner < this.ring.startSeq && owner < oldestFrameInFlight(),
      maxLiveBytes: limits.maxBytes,
    });
  }

  /**
   * Stores a parsed envelope (JSON payloads validated) and returns it with its id and frame. `bytes`
   * may be transient (a view of a socket's buffer): what is kept is copied.
   */
  add(bytes: Uint8Array, envelope: Envelope, source: EnvelopeSource): IngestedEnvelope {
    const id = this.nextId();
    // What is carved now is this envelope's: free once the ring evicts it.
    this.slab.owner = this.ring.endSeq;
    const spliced = new Map<Uint8Array, number>();
    const frame = envelopeFrame(
      id,
      envelope,
      { __spotlight_envelope_id: id, __spotlight_inferred_source: source },
      true,
      this.slab,
      (part, at) => spliced.set(part, at),
    );
    let size = frame.byteLength + ENTRY_OVERHEAD_BYTES;
    const keep = (part: Uint8Array): Uint8Array => {
      const at = spliced.get(part);
      if (at !== undefined) return frame.subarray(at, at + part.byteLength);
      size += part.byteLength;
      return this.slab.copy(part);
    };
    const kept: Envelope = {
      header: envelope.header,
      rawHeader: envelope.rawHeader && keep(envelope.rawHeader),
      items: envelope.items.map((item) => {
        size += ITEM_OVERHEAD_BYTES;
        return { header: item.header, payload: keep(item.payload), rawHeader: item.rawHeader && keep(item.rawHeader) };
      }),
      trailingNewline: envelope.trailingNewline,
    };
    const receivedAt = this.now();
    const seq = this.ring.push({ id, receivedAt, frame, envelope: kept, size });
    return { id, seq, receivedAt, bytes, envelope, source, frame };
  }

  get(id: string): StoredEnvelope | undefined {
    return this.ring.get(id);
  }

  /** Sequence number of the envelope with this id, if held: where a resuming viewer's cursor starts. */
  seqOf(id: string): number | undefined {
    return this.ring.seqOf(id);
  }

  at(seq: number): StoredEnvelope | undefined {
    return this.ring.at(seq);
  }

  get startSeq(): number {
    return this.ring.startSeq;
  }

  get endSeq(): number {
    return this.ring.endSeq;
  }

  get size(): number {
    return this.ring.length;
  }

  get byteSize(): number {
    return this.ring.byteSize;
  }

  clear(): void {
    this.ring.clear();
  }
}
