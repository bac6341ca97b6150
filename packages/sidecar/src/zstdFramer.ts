import { badRequest, payloadTooLarge } from './httpError.ts';

/**
 * Walks the frame and block headers of a Zstandard stream (RFC 8878) without decoding, so that:
 * - a frame header is checked before the decoder allocates its window (a 20-byte request may
 *   declare a 2 GB window), and a declared content size over the limit is refused at once;
 * - input reaches the decoder in segments that end on block boundaries and expand to a bounded
 *   amount, so the decoder can yield to the event loop between them (an RLE block of 4 bytes
 *   expands to 128 KiB: a 64 KiB network chunk of them would be 2 GiB of synchronous work).
 * Skippable frames are dropped here.
 */

const BLOCK_MAX = 128 * 1024;
/** The spec asks decoders to support windows of at least 8 MiB. */
const MIN_WINDOW_LIMIT = 8 * 1024 * 1024;

export interface ZstdSegment {
  readonly bytes: Uint8Array;
  /** Most bytes this segment can expand to. */
  readonly maxOutput: number;
}

type State = 'magic' | 'frame-descriptor' | 'frame-header' | 'block-header' | 'block' | 'checksum' | 'skippable-size' | 'skippable';

/** States in which the input seen so far ends on a block or frame boundary. */
const SEGMENT_ENDS: ReadonlySet<State> = new Set<State>(['magic', 'block-header', 'checksum', 'skippable-size', 'skippable']);

export class ZstdFramer {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private state: State = 'magic';
  private need = 4;
  private window = 0;
  private checksum = false;
  private blockLast = false;
  private blockOutput = 0;
  private readonly maxWindow: number;
  /** Parts of the segment being built, and how much it can expand to. */
  private parts: Uint8Array[] = [];
  private partsOutput = 0;
  private framesSeen = 0;

  constructor(
    private readonly maxDecompressedBytes: number,
    /** Close a segment once it may expand to this many bytes. */
    private readonly segmentOutput = 1024 * 1024,
  ) {
    this.maxWindow = Math.max(MIN_WINDOW_LIMIT, maxDecompressedBytes);
  }

  /** Feeds input; returns the segments now complete. Throws HttpError (400/413) on a bad or oversized frame. */
  push(chunk: Uint8Array): ZstdSegment[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: ZstdSegment[] = [];
    while (this.buffered >= this.need) {
      const unit = this.take(this.need);
      this.step(unit, out);
    }
    return out;
  }

  /** Ends input; returns the last segment. Throws when the stream stops inside a frame. */
  finish(): ZstdSegment[] {
    if (this.state !== 'magic' || this.buffered > 0) throw badRequest('body is not valid zstd: it ends inside a frame');
    if (this.framesSeen === 0) throw badRequest('body is not valid zstd: it holds no frame');
    const out: ZstdSegment[] = [];
    this.flush(out);
    return out;
  }

  private step(unit: Uint8Array, out: ZstdSegment[]): void {
    switch (this.state) {
      case 'magic': {
        const magic = readLE(unit, 0, 4);
        if (magic === 0xfd2fb528) {
          this.parts.push(unit);
          this.expect('frame-descriptor', 1);
        } else if (magic >>> 4 === 0x184d2a5) {
          this.expect('skippable-size', 4);
        } else {
          throw badRequest('body is not valid zstd: bad magic number');
        }
        return;
      }
      case 'frame-descriptor': {
        this.parts.push(unit);
        this.descriptor = unit[0] ?? 0;
        const rest = headerRest(this.descriptor);
        if (rest > 0) this.expect('frame-header', rest);
        else this.startFrame(new Uint8Array(0));
        return;
      }
      case 'frame-header':
        this.parts.push(unit);
        this.startFrame(unit);
        return;
      case 'block-header': {
        const header = readLE(unit, 0, 3);
        this.blockLast = (header & 1) === 1;
        const type = (header >> 1) & 3;
        const size = header >>> 3;
        if (type === 3) throw badRequest('body is not valid zstd: reserved block type');
        if (size > Math.min(this.window, BLOCK_MAX)) throw badRequest('body is not valid zstd: block larger than the frame allows');
        this.parts.push(unit);
        this.blockOutput = type === 2 ? Math.min(this.window, BLOCK_MAX) : size;
        const content = type === 1 ? 1 : size;
        if (content > 0) this.expect('block', content);
        else this.endBlock(out);
        return;
      }
      case 'block':
        this.parts.push(unit);
        this.endBlock(out);
        return;
      case 'checksum':
        this.parts.push(unit);
        this.expect('magic', 4);
        return;
      case 'skippable-size':
        this.skipping = readLE(unit, 0, 4);
        this.skipSome();
        return;
      case 'skippable':
        // Skippable content is dropped in pieces, never buffered whole.
        this.skipping -= unit.length;
        this.skipSome();
        return;
    }
  }

  private descriptor = 0;
  private skipping = 0;

  private expect(state: State, bytes: number): void {
    this.state = state;
    this.need = bytes;
  }

  private skipSome(): void {
    if (this.skipping > 0) this.expect('skippable', Math.min(this.skipping, 64 * 1024));
    else this.expect('magic', 4);
  }

  private startFrame(rest: Uint8Array): void {
    this.checkFrame(this.descriptor, rest);
    this.framesSeen++;
    this.expect('block-header', 3);
  }

  private endBlock(out: ZstdSegment[]): void {
    this.partsOutput += this.blockOutput;
    if (this.blockLast) this.expect(this.checksum ? 'checksum' : 'magic', 4);
    else this.expect('block-header', 3);
    if (this.partsOutput >= this.segmentOutput) this.flush(out);
  }

  /** Emits the segment built so far, unless it would end inside a frame header. */
  private flush(out: ZstdSegment[]): void {
    if (this.parts.length === 0 || !SEGMENT_ENDS.has(this.state)) return;
    const total = this.parts.reduce((sum, part) => sum + part.length, 0);
    const bytes = this.parts.length === 1 ? (this.parts[0] as Uint8Array) : concat(this.parts, total);
    out.push({ bytes, maxOutput: this.partsOutput });
    this.parts = [];
    this.partsOutput = 0;
  }

  /** Emits what is complete at the end of a network chunk, so a small body is decoded without waiting. */
  drain(): ZstdSegment[] {
    const out: ZstdSegment[] = [];
    this.flush(out);
    return out;
  }

  private checkFrame(descriptor: number, rest: Uint8Array): void {
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    if ((descriptor >> 3) & 1) throw badRequest('body is not valid zstd: reserved bit set in frame header');
    this.checksum = ((descriptor >> 2) & 1) === 1;
    const dictBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
    let at = 0;
    let window = 0;
    if (!singleSegment) {
      const wd = rest[0] ?? 0;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
      at = 1;
    }
    const dictId = readLE(rest, at, dictBytes);
    at += dictBytes;
    if (dictId !== 0) throw badRequest('zstd dictionaries are not supported');
    const sizeBytes = contentSizeFlag === 0 ? singleSegment : ([0, 2, 4, 8][contentSizeFlag] ?? 0);
    if (sizeBytes > 0) {
      const contentSize = readLE(rest, at, sizeBytes) + (sizeBytes === 2 ? 256 : 0);
      if (contentSize > this.maxDecompressedBytes) {
        throw payloadTooLarge(
          `zstd frame declares ${contentSize} bytes, over the decompressed size limit of ${this.maxDecompressedBytes} bytes`,
        );
      }
      if (singleSegment) window = contentSize;
    }
    if (window > this.maxWindow) {
      throw payloadTooLarge(`zstd frame asks for a ${window}-byte window, over the limit of ${this.maxWindow} bytes`);
    }
    this.window = window;
  }

  /** Removes `n` bytes from the front of the buffered chunks. */
  private take(n: number): Uint8Array {
    this.buffered -= n;
    const first = this.chunks[0] as Uint8Array;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0] as Uint8Array;
      const part = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, part), at);
      at += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}

/** Header bytes after the descriptor: window descriptor, dictionary id, content size. */
function headerRest(descriptor: number): number {
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
  const sizeBytes = contentSizeFlag === 0 ? singleSegment : ([0, 2, 4, 8][contentSizeFlag] ?? 0);
  return (singleSegment ? 0 : 1) + dictBytes + sizeBytes;
}

/** Little-endian unsigned integer of up to 8 bytes (as a double beyond 2^53: only compared). */
function readLE(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
