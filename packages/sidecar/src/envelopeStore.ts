import type { Envelope } from '@spotlight/envelope';
import type { IdGenerator } from './ids.ts';
import { RingBuffer, type RingBufferLimits } from './ringBuffer.ts';
import { SlabAllocator } from './slab.ts';
import { envelopeFrame } from './sseFrames.ts';

/** Where an envelope came from, as the published sidecar reports it in `__spotlight_inferred_source`. */
export type EnvelopeSource = 'browser' | 'server';

/** What the buffer keeps per envelope. */
export interface StoredEnvelope {
  /** Sidecar id: orders by arrival time, unique across restarts. */
  readonly id: string;
  /** Arrival time, ms since the epoch. */
  readonly receivedAt: number;
  /** The envelope as received, decompressed. */
  readonly bytes: Uint8Array;
  /** Its SSE event (`id:`, `event:`, `data:`), serialized once for every viewer. */
  readonly frame: Buffer;
}

/** What envelope listeners (forwarders, tests) get for each envelope, once it is stored. */
export interface IngestedEnvelope extends StoredEnvelope {
  /** Position in the store: sequence numbers grow by one per envelope, across clears. */
  readonly seq: number;
  /** The parsed envelope; its payloads are views into `bytes`. */
  readonly envelope: Envelope;
  readonly source: EnvelopeSource;
}

/** Bookkeeping per stored envelope (objects, headers) counted on top of its bytes and frame. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * The sidecar's memory of recent envelopes: a ring buffer of stored envelopes with their frames.
 * Adding one is O(1) amortized plus the cost of encoding its frame.
 */
export class EnvelopeStore {
  private readonly ring: RingBuffer<StoredEnvelope>;
  private readonly slab = new SlabAllocator();

  constructor(
    limits: RingBufferLimits,
    private readonly nextId: IdGenerator,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = new RingBuffer<StoredEnvelope>({
      ...limits,
      key: (stored) => stored.id,
      size: (stored) => stored.bytes.byteLength + stored.frame.byteLength + ENTRY_OVERHEAD_BYTES,
      now,
    });
  }

  /**
   * Copies a request body into the store's memory, to be parsed and then added, or released if it is
   * refused. The caller's buffer may be a transient view (of a socket's read buffer).
   */
  keep(body: Uint8Array): Buffer {
    return this.slab.copy(body);
  }

  /** Gives back what `keep` took, when the envelope is refused before `add`. */
  release(kept: Uint8Array): void {
    this.slab.release(kept);
  }

  /**
   * Stores an envelope (its bytes from `keep`, parsed with JSON payloads validated) and returns it
   * with its id and frame.
   */
  add(bytes: Uint8Array, envelope: Envelope, source: EnvelopeSource): IngestedEnvelope {
    const id = this.nextId();
    const frame = envelopeFrame(id, envelope, { __spotlight_envelope_id: id, __spotlight_inferred_source: source }, true, this.slab);
    const stored: StoredEnvelope = { id, receivedAt: this.now(), bytes, frame };
    const seq = this.ring.push(stored);
    return { ...stored, seq, envelope, source };
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
