import { v7 } from 'uuid';

/**
 * Envelope ids: UUIDv7 (RFC 9562) strings such as `01a20cbc-ce25-712a-bd13-d0cf28acc58e`, the form
 * the published sidecar uses, laid out by uuid's v7. They sort by time as plain strings: within a
 * millisecond (and when the clock steps back) a sequence keeps ids of one generator increasing,
 * as uuid's own v7() does. That v7() draws 16 random bytes from crypto per id, which cost more than
 * building the envelope's frame, and node:crypto costs a cold start to load (bench/README.md): the
 * random bytes come from Math.random, in batches (ids must be unique, not secret: whoever reaches
 * the sidecar reads them all on /stream), and the clock is the sidecar's (injectable).
 */
export type IdGenerator = () => string;

const BATCH_IDS = 256;

export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const pool = new Uint8Array(16 * BATCH_IDS);
  let at = pool.length;
  let msecs = Number.NEGATIVE_INFINITY;
  let seq = 0;
  return () => {
    if (at === pool.length) {
      fillRandom(pool);
      at = 0;
    }
    const random = pool.subarray(at, at + 16);
    at += 16;
    const time = now();
    if (time > msecs) {
      msecs = time;
      // Starts in the lower half of its range, leaving room to count up (uuid's v7 does the same).
      seq = (((random[6] as number) & 0x7f) << 24) | ((random[7] as number) << 16) | ((random[8] as number) << 8) | (random[9] as number);
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) msecs++;
    }
    return v7({ msecs, seq, random });
  };
}

/** The millisecond timestamp in an id, or undefined when it is not one of ours (a UUIDv7 string). */
export function idTimestamp(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** V8 seeds Math.random from the system's entropy in every process; 32 of its 52 bits per call. */
function fillRandom(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const word = Math.floor(Math.random() * 0x1_0000_0000);
    bytes[i] = word & 0xff;
    bytes[i + 1] = (word >>> 8) & 0xff;
    bytes[i + 2] = (word >>> 16) & 0xff;
    bytes[i + 3] = word >>> 24;
  }
}
