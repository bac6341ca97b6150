import { type Envelope, utf8Encode } from '@spotlight/envelope';
import type { IdGenerator } from './ids.ts';
import { RingBuffer, type RingBufferLimits } from './ringBuffer.ts';
import { SlabAllocator } from './slab.ts';
import { envelopeFrame } from './sseFrames.ts';

/** Where an envelope came from, as the published sidecar reports it in `__spotlight_inferred_source`. */
export type EnvelopeSource = 'browser' | 'server';

/**
 * What the buffer keeps per envelope: its frame, the few of its bytes the frame does not hold as
 * they are, and where its pieces are. Most of an envelope's bytes are held once, in its frame, and
 * no object per item or header is kept: every object a stored envelope holds outlives V8's young
 * generation, and then lingers in the old one after eviction. `envelopeBytes` puts the original together.
 */
export interface StoredEnvelope {
  /** Sidecar id: orders by arrival time, unique across restarts. */
  readonly id: string;
  /** Arrival time, ms since the epoch. */
  readonly receivedAt: number;
  /** Its SSE event (`id:`, `event:`, `data:`), serialized once for every viewer. */
  readonly frame: Buffer;
  /** The envelope's pieces its frame does not hold unchanged (its header, binary payloads), back to back. */
  readonly extra: Buffer | undefined;
  /**
   * The envelope's pieces (its header, then each item's header and payload) as start and length
   * pairs: a start of 0 or more is in `frame`, a negative start `s` is at `-1 - s` in `extra`.
   */
  readonly layout: readonly number[];
  /** Whether a newline follows the last piece. */
  readonly trailingNewline: boolean;
  /** Memory counted against the buffer's byte bound. */
  readonly size: number;
}

const NEWLINE = 0x0a;

/** The envelope's bytes as received (decompressed), byte for byte: its pieces joined by newlines. */
export function envelopeBytes(stored: StoredEnvelope): Uint8Array {
  const { frame, extra, layout, trailingNewline } = stored;
  const pieces = layout.length / 2;
  let total = pieces - 1 + (trailingNewline ? 1 : 0);
  for (let k = 1; k < layout.length; k += 2) total += layout[k] as number;
  const out = new Uint8Array(total);
  let at = 0;
  for (let k = 0; k < layout.length; k += 2) {
    if (k > 0) out[at++] = NEWLINE;
    const start = layout[k] as number;
    const length = layout[k + 1] as number;
    const source = start >= 0 ? frame.subarray(start, start + length) : (extra as Buffer).subarray(-1 - start, -1 - start + length);
    out.set(source, at);
    at += length;
  }
  if (trailingNewline) out[at] = NEWLINE;
  return out;
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

/** Bookkeeping per stored envelope (its objects, id and index entry) and per item (its layout), counted on top of its bytes. */
const ENTRY_OVERHEAD_BYTES = 256;
const ITEM_OVERHEAD_BYTES = 32;

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
    const pieces: Uint8Array[] = [envelope.rawHeader ?? utf8Encode(JSON.stringify(envelope.header))];
    for (const item of envelope.items) pieces.push(item.rawHeader ?? utf8Encode(JSON.stringify(item.header)), item.payload);
    let extraBytes = 0;
    for (const piece of pieces) if (!spliced.has(piece)) extraBytes += piece.byteLength;
    const extra = extraBytes > 0 ? this.slab.alloc(extraBytes) : undefined;
    const layout: number[] = [];
    let extraAt = 0;
    for (const piece of pieces) {
      const at = spliced.get(piece);
      if (at !== undefined) layout.push(at, piece.byteLength);
      else {
        (extra as Buffer).set(piece, extraAt);
        layout.push(-1 - extraAt, piece.byteLength);
        extraAt += piece.byteLength;
      }
    }
    const size = frame.byteLength + extraBytes + ENTRY_OVERHEAD_BYTES + envelope.items.length * ITEM_OVERHEAD_BYTES;
    const receivedAt = this.now();
    const seq = this.ring.push({ id, receivedAt, frame, extra, layout, trailingNewline: envelope.trailingNewline === true, size });
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
