import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContentEncoding } from './contentEncoding.ts';
import { createDecoder, isZlibHeader } from './decoders.ts';
import { HttpError } from './httpError.ts';
import { FIXTURES_DIR, fixture, largeEnvelope, zstdFrame } from './test/payloads.ts';

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const deflateRaw = promisify(zlib.deflateRaw);
const brotli = promisify(zlib.brotliCompress);

const MiB = 1024 * 1024;

interface Decoded {
  readonly bytes: Buffer;
  /** Output seen before the decoder was stopped at the limit. */
  readonly produced: number;
  readonly stoppedAtLimit: boolean;
}

/** Feeds `input` in chunks of `chunkSize` the way readBody does, stopping at `limit` output bytes. */
async function decode(
  encoding: Exclude<ContentEncoding, 'identity'>,
  input: Uint8Array,
  limit = 200 * MiB,
  chunkSize = 64 * 1024,
): Promise<Decoded> {
  const output: Uint8Array[] = [];
  let produced = 0;
  let stoppedAtLimit = false;
  const decoder = createDecoder(encoding, {
    maxDecompressedBytes: limit,
    onData: (chunk) => {
      produced += chunk.length;
      if (produced > limit) {
        stoppedAtLimit = true;
        decoder.destroy();
      } else output.push(chunk);
    },
  });
  for (let at = 0; at < input.length && !stoppedAtLimit; at += chunkSize) await decoder.write(input.subarray(at, at + chunkSize));
  if (!stoppedAtLimit) await decoder.end();
  return { bytes: Buffer.concat(output), produced, stoppedAtLimit };
}

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const envelope = fixture('sentry-node-11.12/event.envelope');

describe('decoders round-trip real envelopes', () => {
  it('gzip', async () => {
    expect((await decode('gzip', await gzip(envelope))).bytes).toEqual(Buffer.from(envelope));
  });

  it('deflate with a zlib header', async () => {
    const body = await deflate(envelope);
    expect(isZlibHeader(body[0] ?? 0, body[1] ?? 0)).toBe(true);
    expect((await decode('deflate', body)).bytes).toEqual(Buffer.from(envelope));
  });

  it('raw deflate, told apart by its first bytes, even one byte at a time', async () => {
    const body = await deflateRaw(envelope);
    expect(isZlibHeader(body[0] ?? 0, body[1] ?? 0)).toBe(false);
    expect((await decode('deflate', body, undefined, 1)).bytes).toEqual(Buffer.from(envelope));
  });

  it('brotli', async () => {
    expect((await decode('br', await brotli(envelope))).bytes).toEqual(Buffer.from(envelope));
  });

  it('zstd from the zstd CLI (two frames, a skippable frame, checksums), in any chunking', async () => {
    const body = readFileSync(join(FIXTURES_DIR, 'zstd/large-envelope.zst'));
    const expected = Buffer.from(largeEnvelope());
    expect(expected.length).toBe(383_350);
    for (const chunkSize of [1, 7, 1000, 64 * 1024, body.length]) {
      expect((await decode('zstd', body, undefined, chunkSize)).bytes.equals(expected), `chunks of ${chunkSize}`).toBe(true);
    }
  });

  it('zstd made of raw and RLE blocks', async () => {
    const data = largeEnvelope();
    const decoded = await decode('zstd', zstdFrame({ data, rleBlocks: 2, rleByte: 0x41 }));
    expect(decoded.bytes.subarray(0, data.length).equals(Buffer.from(data))).toBe(true);
    expect(decoded.bytes.length).toBe(data.length + 2 * 128 * 1024);
    expect(decoded.bytes.at(-1)).toBe(0x41);
  });
});

describe('decompression bombs stop at the limit', () => {
  let zeros: Buffer;
  beforeAll(() => {
    zeros = Buffer.alloc(64 * MiB);
  });

  it('gzip: 64 MiB of zeros in ~64 KiB, cut at 1 MiB', async () => {
    const bomb = await gzip(zeros, { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const decoded = await decode('gzip', bomb, MiB);
    expect(decoded.stoppedAtLimit).toBe(true);
    expect(decoded.produced).toBeLessThanOrEqual(MiB + 64 * 1024);
  });

  it('brotli: 64 MiB of zeros in ~12 KiB, cut at 1 MiB', async () => {
    const bomb = await brotli(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(bomb.length).toBeLessThan(16 * 1024);
    const decoded = await decode('br', bomb, MiB);
    expect(decoded.stoppedAtLimit).toBe(true);
    expect(decoded.produced).toBeLessThanOrEqual(MiB + 64 * 1024);
  });

  it('zstd: 4 bytes per 128 KiB (RLE blocks), cut within a segment of the limit', async () => {
    const bomb = zstdFrame({ rleBlocks: 2000 }); // 250 MiB in 8 KiB
    expect(bomb.length).toBeLessThan(10 * 1024);
    const decoded = await decode('zstd', bomb, MiB);
    expect(decoded.stoppedAtLimit).toBe(true);
    expect(decoded.produced).toBeLessThanOrEqual(2 * MiB);
  });

  it('zstd: a large output lets other work run between segments', async () => {
    let turns = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const decoded = await decode('zstd', zstdFrame({ rleBlocks: 400 }), 100 * MiB, 64 * 1024); // 50 MiB from one 1.6 KiB chunk
    running = false;
    expect(decoded.bytes.length).toBe(400 * 128 * 1024);
    expect(turns).toBeGreaterThan(3);
  });
});

describe('zstd frame guard', () => {
  it('refuses a window over the limit from the header alone, before any block', async () => {
    const header = zstdFrame({ windowLog: 31 }).subarray(0, 6);
    const error = await refusal(decode('zstd', header, 16 * MiB));
    expect(error.status).toBe(413);
    expect(error.message).toBe('zstd frame asks for a 2147483648-byte window, over the limit of 16777216 bytes');
  });

  it('refuses a declared content size over the limit at once', async () => {
    const error = await refusal(decode('zstd', zstdFrame({ contentSize: 50 * MiB }).subarray(0, 14), 10 * MiB));
    expect(error.status).toBe(413);
    expect(error.message).toBe('zstd frame declares 52428800 bytes, over the decompressed size limit of 10485760 bytes');
  });

  it('refuses bad zstd with 400 and a reason', async () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([1, 2, 3, 4, 5]), 'body is not valid zstd: bad magic number'],
      [zstdFrame({ data: new Uint8Array(100) }).subarray(0, 50), 'body is not valid zstd: it ends inside a frame'],
      [Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x38, 0x07, 0x01, 0x00, 0x00]), 'zstd dictionaries are not supported'],
      [Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38, 0x07, 0x00, 0x00]), 'body is not valid zstd: reserved block type'],
      [new Uint8Array(0), 'body is not valid zstd: it holds no frame'],
    ];
    for (const [body, message] of cases) {
      const error = await refusal(decode('zstd', body));
      expect(error.status, message).toBe(400);
      expect(error.message).toBe(message);
    }
  });

  it('reports corrupt compressed blocks as 400', async () => {
    const body = Buffer.from(readFileSync(join(FIXTURES_DIR, 'zstd/large-envelope.zst')));
    for (let i = 40; i < 200; i++) body[i] = 0xff;
    const error = await refusal(decode('zstd', body));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^body is not valid zstd: /);
  });
});

describe('zlib-family errors', () => {
  it('refuses garbage and truncated bodies with 400 and zlib reason', async () => {
    expect((await refusal(decode('gzip', Buffer.from('not gzip at all')))).message).toBe('body is not valid gzip: incorrect header check');
    const truncated = (await gzip(envelope)).subarray(0, 100);
    expect((await refusal(decode('gzip', truncated))).message).toBe('body is not valid gzip: unexpected end of file');
    expect((await refusal(decode('br', Buffer.from([0xff, 0xff, 0xff, 0xff])))).status).toBe(400);
    expect((await refusal(decode('deflate', Buffer.from([0x78])))).message).toBe('body is not valid deflate: it is too short');
  });
});
