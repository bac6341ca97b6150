import { type Envelope, type EnvelopeSource, parseEnvelope, SSE_ENVELOPE_EVENT, sseFrame, wireEnvelopeParts } from '@spotlight/envelope';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { RingBuffer, type RingBufferLimits } from './ringBuffer.ts';

/**
 * What the buffer keeps of one envelope: its id, arrival and bytes, the bytes as one plain
 * string (one character per byte: `bytesOf` reads it back). Strings live in V8's heap, whose
 * growth paces V8's collections; ArrayBuffers are external memory, of which V8 lets 64 MiB of
 * garbage pile up before it collects, so envelopes kept as Uint8Arrays grew the sidecar past the
 * memory target under a sustained load. Its SSE frame is built from the bytes when viewers need
 * it (see `frame`) and is not kept: kept as a string too, it cost more CPU per envelope in
 * collections than rebuilding it for a replay does. bench/README.md has the measurements.
 */
export interface BufferedEnvelope {
  /** UUIDv7: orders by arrival time as a string, unique across restarts. */
  readonly id: string;
  /** Arrival time, ms since the epoch. */
  readonly receivedAt: number;
  readonly source: EnvelopeSource;
  /** The envelope's bytes as received (decompressed), as a binary string. */
  readonly raw: string;
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

/** The bytes of a binary string. */
export function bytesOf(binary: string): Buffer {
  return Buffer.from(binary, 'latin1');
}

/** The objects of a stored envelope, counted on top of its bytes against the byte bound. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * The sidecar's memory of recent envelopes: a ring buffer (bounded by count, bytes and age) of
 * buffered envelopes. It knows nothing of viewers: whoever stores an envelope tells them.
 */
export class EnvelopeStore extends RingBuffer<BufferedEnvelope> {
  constructor(
    limits: RingBufferLimits,
    now: () => number = Date.now,
    private readonly nextId: IdGenerator = createIdGenerator(now),
  ) {
    super({ ...limits, key: (stored) => stored.id, size: (stored) => stored.raw.length + ENTRY_OVERHEAD_BYTES, now });
  }

  /** Stores a parsed envelope (whose JSON payloads the parser validated) with `bytes`, its bytes (copied). */
  add(bytes: Uint8Array, envelope: Envelope, source: EnvelopeSource): IngestedEnvelope {
    const id = this.nextId();
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const stored: BufferedEnvelope = { id, receivedAt: this.now(), source, raw };
    const seq = this.push(stored);
    return { ...stored, seq, bytes, envelope, frame: frameOf(stored, envelope) };
  }

  /** The SSE frame of a stored envelope, as `add` built it (for a replay). */
  frame(stored: BufferedEnvelope): Uint8Array {
    // Its JSON payloads were validated when it was stored.
    return frameOf(stored, parseEnvelope(bytesOf(stored.raw), { validateJsonPayloads: false }));
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
