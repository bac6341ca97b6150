import { setImmediate as nextTurn } from 'node:timers/promises';
import zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import type { ContentEncoding } from './contentEncoding.ts';
import { badRequest, HttpError } from './httpError.ts';
import { ZstdFramer } from './zstdFramer.ts';

/**
 * Streaming decompressors behind one interface. Output goes to `onData` as it is produced; every
 * decoder works chunk by chunk off the event loop's critical path (zlib and brotli in libuv's
 * thread pool, zstd in bounded segments with a yield between them), and stops as soon as it is
 * destroyed, so the caller can cut a decompression bomb off at its size limit.
 */
export interface Decoder {
  /** Feeds compressed bytes; resolves when more may be written. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the input; resolves once every output byte went to onData. */
  end(): Promise<void>;
  destroy(): void;
}

export interface DecoderOptions {
  /** Receives decompressed bytes; may call destroy() on the decoder. */
  readonly onData: (chunk: Uint8Array) => void;
  readonly maxDecompressedBytes: number;
}

export function createDecoder(encoding: Exclude<ContentEncoding, 'identity'>, options: DecoderOptions): Decoder {
  switch (encoding) {
    case 'gzip':
      return new ZlibDecoder(() => zlib.createGunzip(ZLIB_OPTIONS), 'gzip', options);
    case 'br':
      return new ZlibDecoder(() => zlib.createBrotliDecompress({ chunkSize: ZLIB_OPTIONS.chunkSize }), 'brotli', options);
    case 'deflate':
      return new DeflateDecoder(options);
    case 'zstd':
      return new ZstdDecoder(options);
  }
}

/** Larger than zlib's 16 KiB default: fewer thread-pool round trips per body. */
const ZLIB_OPTIONS = { chunkSize: 64 * 1024 };

type ZlibStream = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

class ZlibDecoder implements Decoder {
  private readonly stream: ZlibStream;
  private failure: HttpError | undefined;
  private destroyed = false;
  private readonly finished: Promise<void>;

  constructor(
    create: () => ZlibStream,
    private readonly name: string,
    options: DecoderOptions,
  ) {
    this.stream = create();
    this.stream.on('data', (chunk: Buffer) => {
      if (!this.destroyed) options.onData(chunk);
    });
    this.finished = new Promise<void>((resolve, reject) => {
      this.stream.once('end', resolve);
      this.stream.once('error', (error: Error) => {
        this.failure = badRequest(`body is not valid ${this.name}: ${error.message}`);
        reject(this.failure);
      });
      this.stream.once('close', () => {
        if (this.destroyed) resolve();
      });
    });
    // A rejection nobody awaits yet must not crash the process; write() and end() report it.
    this.finished.catch(() => {});
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.destroyed || this.stream.write(chunk)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        if (this.failure) reject(this.failure);
        else resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('close', done);
    });
  }

  end(): Promise<void> {
    if (!this.destroyed) this.stream.end();
    return this.finished;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stream.destroy();
  }
}

/**
 * `Content-Encoding: deflate` is zlib-wrapped deflate by the spec, but some clients send raw
 * deflate. The first two bytes tell them apart: a zlib header has compression method 8, a window
 * of at most 32 KiB, and is a multiple of 31 read as a big-endian number.
 */
export function isZlibHeader(first: number, second: number): boolean {
  return (first & 0x0f) === 8 && first >> 4 <= 7 && ((first << 8) | second) % 31 === 0;
}

class DeflateDecoder implements Decoder {
  private inner: Decoder | undefined;
  private head: Uint8Array | undefined;
  private destroyed = false;

  constructor(private readonly options: DecoderOptions) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.destroyed) return;
    if (this.inner) return this.inner.write(chunk);
    const bytes = this.head ? concat2(this.head, chunk) : chunk;
    if (bytes.length < 2) {
      this.head = bytes;
      return;
    }
    this.head = undefined;
    const zlibWrapped = isZlibHeader(bytes[0] ?? 0, bytes[1] ?? 0);
    this.inner = new ZlibDecoder(
      () => (zlibWrapped ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS)),
      zlibWrapped ? 'deflate' : 'raw deflate',
      this.options,
    );
    return this.inner.write(bytes);
  }

  async end(): Promise<void> {
    if (this.destroyed) return;
    if (!this.inner) throw badRequest('body is not valid deflate: it is too short');
    return this.inner.end();
  }

  destroy(): void {
    this.destroyed = true;
    this.inner?.destroy();
  }
}

class ZstdDecoder implements Decoder {
  private readonly framer: ZstdFramer;
  private readonly decompress: Decompress;
  private destroyed = false;
  /** Output produced since the last yield to the event loop. */
  private sinceYield = 0;

  constructor(options: DecoderOptions) {
    this.framer = new ZstdFramer(options.maxDecompressedBytes);
    this.decompress = new Decompress((data) => {
      if (!this.destroyed && data.length > 0) options.onData(data);
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.destroyed) return;
    await this.run([...this.framer.push(chunk), ...this.framer.drain()], false);
  }

  async end(): Promise<void> {
    if (this.destroyed) return;
    await this.run(this.framer.finish(), true);
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async run(segments: readonly { bytes: Uint8Array; maxOutput: number }[], final: boolean): Promise<void> {
    for (const segment of segments) {
      if (this.destroyed) return;
      if (this.sinceYield >= YIELD_AFTER_BYTES) {
        this.sinceYield = 0;
        await nextTurn();
        if (this.destroyed) return;
      }
      this.push(segment.bytes, false);
      this.sinceYield += segment.maxOutput;
    }
    if (final && !this.destroyed) this.push(new Uint8Array(0), true);
  }

  private push(bytes: Uint8Array, final: boolean): void {
    try {
      this.decompress.push(bytes, final);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw badRequest(`body is not valid zstd: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Let other requests run after producing this much output synchronously. */
const YIELD_AFTER_BYTES = 4 * 1024 * 1024;

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
