import { type Envelope, type EnvelopeSource, SSE_ENVELOPE_EVENT, sseFrame, wireEnvelopeParts } from '@spotlight/envelope';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { RingBuffer, type RingBufferLimits } from './ringBuffer.ts';

/**
 * What the buffer keeps of one envelope: two plain allocations, its bytes and its SSE frame. Both
 * are immutable once stored, so anyone may hold on to them (a viewer's socket still sending the
 * frame, a forwarder still posting the bytes) after the envelope is evicted.
 */
export interface BufferedEnvelope {
  /** UUIDv7: orders by arrival time as a string, unique across restarts. */
  readonly id: string;
  /** Arrival time, ms since the epoch. */
  readonly receivedAt: number;
  readonly source: EnvelopeSource;
  /** The envelope's bytes as received (decompressed), for `GET /envelope/:id` and forwarding. */
  readonly raw: Uint8Array;
  /** Its SSE event (`id:`, `event:`, `data:` with the wire JSON), built once for every viewer and replay. */
  readonly frame: Uint8Array;
}

/** What the ingest path hands on (to viewers, envelope listeners) for each envelope it stored. */
export interface IngestedEnvelope extends BufferedEnvelope {
  /** Position in the store: sequence numbers grow by one per envelope, across clears. */
  readonly seq: number;
  /** The parsed envelope; its payloads are views into `raw`. */
  readonly envelope: Envelope;
}

/** The objects of a stored envelope, counted on top of its bytes against the byte bound. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * The sidecar's memory of recent envelopes: a ring buffer (bounded by count, bytes and age) of
 * buffered envelopes, each with its id and frame. It knows nothing of viewers: whoever stores an
 * envelope tells them.
 */
export class EnvelopeStore extends RingBuffer<BufferedEnvelope> {
  constructor(
    limits: RingBufferLimits,
    now: () => number = Date.now,
    private readonly nextId: IdGenerator = createIdGenerator(now),
  ) {
    super({
      ...limits,
      key: (stored) => stored.id,
      size: (stored) => stored.raw.byteLength + stored.frame.byteLength + ENTRY_OVERHEAD_BYTES,
      now,
    });
  }

  /**
   * Stores a parsed envelope (whose JSON payloads the parser validated) with `raw`, its bytes, which
   * are kept as they are: pass a copy of anything transient.
   */
  add(raw: Uint8Array, envelope: Envelope, source: EnvelopeSource): IngestedEnvelope {
    const id = this.nextId();
    const data = wireEnvelopeParts(
      envelope,
      { __spotlight_envelope_id: id, __spotlight_inferred_source: source },
      { trustJsonPayloads: true },
    );
    const stored: BufferedEnvelope = { id, receivedAt: this.now(), source, raw, frame: sseFrame({ id, event: SSE_ENVELOPE_EVENT, data }) };
    const seq = this.push(stored);
    return { ...stored, seq, envelope };
  }
}
