/**
 * Envelope ids: UUIDv7 (RFC 9562) strings such as `01a20cbc-ce25-712a-bd13-d0cf28acc58e`, the form
 * the published sidecar uses. The first 48 bits are the millisecond timestamp, the next 12 a counter
 * that keeps ids from one generator strictly increasing within a millisecond (and when the clock
 * steps back), and 62 random bits keep them unique across restarts and processes. Lowercase
 * fixed-width hex, so string order is time order.
 *
 * The random bits come from Math.random (V8 seeds it from the operating system's entropy in every
 * process): ids must be unique, not secret (whoever can reach the sidecar reads them all on
 * /stream), and loading node:crypto would add about 7 ms to a cold start of about 140.
 */
export type IdGenerator = () => string;

export interface IdGeneratorOptions {
  readonly now?: () => number;
  /** Fills the array with random bytes; injectable for tests. */
  readonly randomFill?: (bytes: Uint8Array) => void;
}

const COUNTER_MAX = 0xfff;
const STRIDE = 10;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function createIdGenerator(options: IdGeneratorOptions = {}): IdGenerator {
  const now = options.now ?? Date.now;
  const randomFill = options.randomFill ?? mathRandomFill;
  // Random bytes are drawn in batches: one call per 512 ids instead of one per id. Each id takes 10:
  // 2 seed the counter, 8 fill the 62 random bits.
  const pool = new Uint8Array(STRIDE * 512);
  let poolAt = pool.length;
  let lastMs = -1;
  let counter = 0;

  return () => {
    let ms = now();
    if (poolAt === pool.length) {
      randomFill(pool);
      poolAt = 0;
    }
    const random = pool.subarray(poolAt, poolAt + STRIDE);
    poolAt += STRIDE;
    if (ms > lastMs) {
      // Start the counter low in its range (random in 0..0x3ff) to leave room for many ids per ms.
      counter = (((random[0] ?? 0) << 8) | (random[1] ?? 0)) & 0x3ff;
      lastMs = ms;
    } else {
      ms = lastMs;
      counter++;
      if (counter > COUNTER_MAX) {
        // 3000+ ids in one millisecond: borrow the next millisecond rather than repeat an id.
        lastMs = ms = lastMs + 1;
        counter = 0;
      }
    }
    const b = new Array<string>(16);
    let t = ms;
    for (let i = 5; i >= 0; i--) {
      b[i] = HEX[t % 256] as string;
      t = Math.floor(t / 256);
    }
    b[6] = HEX[0x70 | (counter >> 8)] as string;
    b[7] = HEX[counter & 0xff] as string;
    b[8] = HEX[0x80 | ((random[2] ?? 0) & 0x3f)] as string;
    for (let i = 9; i < 16; i++) b[i] = HEX[random[i - 6] ?? 0] as string; // random[3..9]
    return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b[10]}${b[11]}${b[12]}${b[13]}${b[14]}${b[15]}`;
  };
}

function mathRandomFill(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    // 32 of the 52 random bits of a Math.random() double.
    const word = Math.floor(Math.random() * 0x1_0000_0000);
    bytes[i] = word & 0xff;
    bytes[i + 1] = (word >>> 8) & 0xff;
    bytes[i + 2] = (word >>> 16) & 0xff;
    bytes[i + 3] = word >>> 24;
  }
}

/** The millisecond timestamp encoded in an id, or undefined when it is not one of ours. */
export function idTimestamp(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
