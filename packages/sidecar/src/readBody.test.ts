import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBody } from './readBody.ts';
import { zstdFrame } from './test/payloads.ts';

const MiB = 1024 * 1024;

/** A request whose whole body is already buffered (and ended) before anyone reads it. */
function bufferedRequest(body: Uint8Array): IncomingMessage {
  const stream = new PassThrough();
  stream.end(body);
  return Object.assign(stream, { headers: { 'content-length': String(body.length) }, complete: true }) as unknown as IncomingMessage;
}

describe('readBody', () => {
  it('decodes a compressed body that arrived whole before reading began, output past a yield included', async () => {
    // 8 MiB of output: the zstd decoder yields to the event loop after 4, while the stream has ended.
    const zstd = await readBody(bufferedRequest(zstdFrame({ rleBlocks: 64 })), 'zstd', {
      maxBodyBytes: MiB,
      maxDecompressedBytes: 16 * MiB,
    });
    expect(zstd.length).toBe(8 * MiB);
    expect(zstd.every((byte) => byte === 0x20)).toBe(true);

    const gzip = await readBody(bufferedRequest(await promisify(zlib.gzip)(Buffer.alloc(3 * MiB, 0x41))), 'gzip', {
      maxBodyBytes: MiB,
      maxDecompressedBytes: 16 * MiB,
    });
    expect(gzip.equals(Buffer.alloc(3 * MiB, 0x41))).toBe(true);
  });

  it('refuses a request that went away before its body could be read', async () => {
    const req = bufferedRequest(zstdFrame({ rleBlocks: 1 }));
    (req as unknown as PassThrough).destroy();
    await expect(readBody(req, 'zstd', { maxBodyBytes: MiB, maxDecompressedBytes: MiB })).rejects.toThrow(
      'the request ended before its body',
    );
  });
});
