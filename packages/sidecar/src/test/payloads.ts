import { concatBytes, utf8Encode } from '@spotlight/envelope';
import { fixture } from '../../../envelope/src/test/fixtures.ts';

export { envelopeFixtures, FIXTURES_DIR, fixture } from '../../../envelope/src/test/fixtures.ts';

/** The envelope `fixtures/zstd/large-envelope.zst` decompresses to (see fixtures/zstd/README.md). */
export function largeEnvelope(): Uint8Array {
  const stream = fixture('published-spotlight-4.11.8-stream.txt');
  const text = concatBytes(Array.from({ length: 8 }, () => stream));
  const binary = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 255);
  return concatBytes([
    utf8Encode('{"event_id":"0123456789abcdef0123456789abcdef","sdk":{"name":"spotlight.test","version":"1.0.0"}}\n'),
    utf8Encode('{"type":"event"}\n{"message":"zstd fixture","level":"info"}\n'),
    utf8Encode(`{"type":"attachment","length":${text.length},"filename":"stream.txt","content_type":"text/plain"}\n`),
    text,
    utf8Encode('\n'),
    utf8Encode(`{"type":"attachment","length":${binary.length},"filename":"bytes.bin","content_type":"application/octet-stream"}\n`),
    binary,
  ]);
}

/** A small valid envelope with one event whose message is `message`. */
export function eventEnvelope(message: string): Uint8Array {
  const payload = JSON.stringify({ message, level: 'error' });
  return utf8Encode(`{"event_id":"${'e'.repeat(32)}"}\n{"type":"event","length":${utf8Encode(payload).length}}\n${payload}`);
}

/** An envelope with one binary attachment of `size` pseudo-random (incompressible) bytes. */
export function attachmentEnvelope(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return concatBytes([
    utf8Encode(`{}\n{"type":"attachment","length":${size},"filename":"blob.bin","content_type":"application/octet-stream"}\n`),
    bytes,
  ]);
}

/**
 * A zstd frame made of raw and RLE blocks only (valid zstd that needs no compressor): `rle` blocks
 * of 128 KiB of one byte each, after the raw `data`. With many RLE blocks it is a bomb: 4 bytes of
 * input per 128 KiB of output.
 */
export function zstdFrame(options: {
  data?: Uint8Array;
  rleBlocks?: number;
  rleByte?: number;
  windowLog?: number;
  contentSize?: number;
}): Uint8Array {
  const { data = new Uint8Array(0), rleBlocks = 0, rleByte = 0x20, windowLog = 17 } = options;
  const out: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  if (options.contentSize !== undefined) {
    // Frame content size in 8 bytes (flag 3), with a window descriptor.
    out.push(0xc0, (windowLog - 10) << 3);
    let size = options.contentSize;
    for (let i = 0; i < 8; i++) {
      out.push(size % 256);
      size = Math.floor(size / 256);
    }
  } else {
    out.push(0x00, (windowLog - 10) << 3);
  }
  const blocks: { type: 0 | 1; size: number; content: Uint8Array }[] = [];
  for (let at = 0; at < data.length; at += 128 * 1024) {
    const part = data.subarray(at, at + 128 * 1024);
    blocks.push({ type: 0, size: part.length, content: part });
  }
  for (let i = 0; i < rleBlocks; i++) blocks.push({ type: 1, size: 128 * 1024, content: new Uint8Array([rleByte]) });
  if (blocks.length === 0) blocks.push({ type: 0, size: 0, content: new Uint8Array(0) });
  blocks.forEach((block, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const header = (block.size << 3) | (block.type << 1) | last;
    out.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff);
    for (const byte of block.content) out.push(byte);
  });
  return Uint8Array.from(out);
}
