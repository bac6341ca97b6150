import { SSE_ENVELOPE_EVENT } from '@spotlight/envelope';

/**
 * SSE frames as bytes. Each envelope's frame is built once, when it arrives, and the same Buffer is
 * written to every viewer and every replay.
 */

/** Event sent to every viewer after `DELETE /clear`. */
export const CLEAR_EVENT = 'spotlight.clear';

/** Copies text into a buffer of its own: small `Buffer.from` results share 8 KiB pool slabs, which a stored frame would pin. */
function ownBuffer(text: string): Buffer {
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  out.write(text, 0, 'utf8');
  return out;
}

/** `data` must be one line (encodeWireEnvelope's output is). */
export function envelopeFrame(id: string, data: string): Buffer {
  return ownBuffer(`id: ${id}\nevent: ${SSE_ENVELOPE_EVENT}\ndata: ${data}\n\n`);
}

export const CLEAR_FRAME: Buffer = Buffer.from(`event: ${CLEAR_EVENT}\ndata: {}\n\n`);

export const HEARTBEAT_FRAME: Buffer = Buffer.from(': keep-alive\n\n');

/** The first bytes of a stream: how long a disconnected EventSource waits before reconnecting. */
export function openingFrame(retryMs: number): Buffer {
  return Buffer.from(`retry: ${retryMs}\n\n`);
}
