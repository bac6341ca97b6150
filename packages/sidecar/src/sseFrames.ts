import { type Envelope, encodeWireEnvelopeBytes, SSE_ENVELOPE_EVENT, type WireMeta } from '@spotlight/envelope';
import type { SlabAllocator } from './slab.ts';

/**
 * SSE frames as bytes. Each envelope's frame is built once, when it arrives, and the same Buffer is
 * written to every viewer and every replay.
 */

/** Event sent to every viewer after `DELETE /clear`. */
export const CLEAR_EVENT = 'spotlight.clear';

/**
 * An envelope's frame: `id:`, `event:` and `data:` lines around the wire JSON, built from the
 * envelope's own bytes, into memory carved from `slab`. `jsonValidated`: the parser checked the
 * JSON payloads (so they are spliced as they are). `spliced` learns where the envelope's own byte
 * ranges sit in the frame.
 */
export function envelopeFrame(
  id: string,
  envelope: Envelope,
  meta: WireMeta,
  jsonValidated: boolean,
  slab: SlabAllocator,
  spliced?: (part: Uint8Array, offset: number) => void,
): Buffer {
  const bytes = encodeWireEnvelopeBytes(envelope, meta, {
    prefix: Buffer.from(`id: ${id}\nevent: ${SSE_ENVELOPE_EVENT}\ndata: `),
    suffix: FRAME_END,
    trustJsonPayloads: jsonValidated,
    allocate: (size) => slab.alloc(size),
    spliced,
  });
  return bytes as Buffer;
}

const FRAME_END = Buffer.from('\n\n');

export const CLEAR_FRAME: Buffer = Buffer.from(`event: ${CLEAR_EVENT}\ndata: {}\n\n`);

export const HEARTBEAT_FRAME: Buffer = Buffer.from(': keep-alive\n\n');

/** The first bytes of a stream: how long a disconnected EventSource waits before reconnecting. */
export function openingFrame(retryMs: number): Buffer {
  return Buffer.from(`retry: ${retryMs}\n\n`);
}
