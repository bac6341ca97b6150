import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContentEncoding } from './contentEncoding.ts';
import type { Decoder, DecoderOptions } from './decoders.ts';
import { type HttpError, payloadTooLarge } from './httpError.ts';

export interface BodyLimits {
  /** Bytes as sent (compressed or not). */
  readonly maxBodyBytes: number;
  /** Bytes after decompression. */
  readonly maxDecompressedBytes: number;
}

/** The declared Content-Length, or undefined for chunked bodies. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** `declared`: the Content-Length, when the refusal comes from it. */
export const rawTooLarge = (limit: number, declared?: number): HttpError =>
  payloadTooLarge(
    `request body ${declared === undefined ? '' : `of ${declared} bytes `}is over the limit of ${limit} bytes (--max-body-bytes)`,
  );

const decompressedTooLarge = (limit: number): HttpError =>
  payloadTooLarge(`request body decompresses to more than ${limit} bytes (--max-decompressed-bytes)`);

/** The request ended before its body did (the client went away); there is nobody to answer. */
export class BodyAbortedError extends Error {
  override readonly name = 'BodyAbortedError';
}

/**
 * Reads a request body, decompressing it as it streams in. The raw size is checked against the
 * declared Content-Length before reading and counted while reading (chunked bodies); the
 * decompressed size is counted as output appears, so a bomb stops at the limit. The result may be
 * a view into a transient buffer (a socket's read buffer for a body that came in one piece): use it
 * at once, and copy what is kept (the store does).
 */
export function readBody(req: IncomingMessage, encoding: ContentEncoding, limits: BodyLimits): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limits.maxBodyBytes) return Promise.reject(rawTooLarge(limits.maxBodyBytes, declared));
  if (encoding === 'identity') return readIdentity(req, limits.maxBodyBytes);
  return readDecoded(req, encoding, limits);
}

function readIdentity(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const detach = listenToBody(req, {
      data: (chunk) => {
        received += chunk.length;
        if (received > limit) {
          detach();
          reject(rawTooLarge(limit));
          return;
        }
        chunks.push(chunk);
      },
      end: () => {
        detach();
        resolve(joined(chunks, received));
      },
      gone: () => {
        detach();
        reject(new BodyAbortedError('the request ended before its body'));
      },
    });
  });
}

/**
 * Listens to a request's body: `gone` on a stream error or when the connection closes before the
 * body is complete (the client went away). Returns what removes every listener.
 */
function listenToBody(req: IncomingMessage, on: { data: (chunk: Buffer) => void; end: () => void; gone: () => void }): () => void {
  const onClose = () => {
    if (!req.complete) on.gone();
  };
  req.on('data', on.data);
  req.on('end', on.end);
  req.on('error', on.gone);
  req.on('close', onClose);
  return () => {
    req.off('data', on.data);
    req.off('end', on.end);
    req.off('error', on.gone);
    req.off('close', onClose);
  };
}

type CreateDecoder = (encoding: Exclude<ContentEncoding, 'identity'>, options: DecoderOptions) => Decoder;

/**
 * The decoders (zlib, fzstd) load with the first compressed body, not with the sidecar: most SDKs
 * send plain bodies, and a cold start must not pay for them. The request's body waits in its
 * stream meanwhile.
 */
async function readDecoded(req: IncomingMessage, encoding: Exclude<ContentEncoding, 'identity'>, limits: BodyLimits): Promise<Buffer> {
  const { createDecoder } = await import('./decoders.ts');
  // The client may have gone while the decoders loaded: its stream's 'close' has passed already.
  if (req.destroyed) throw new BodyAbortedError('the request ended before its body');
  return decodeBody(req, encoding, limits, createDecoder);
}

function decodeBody(
  req: IncomingMessage,
  encoding: Exclude<ContentEncoding, 'identity'>,
  limits: BodyLimits,
  createDecoder: CreateDecoder,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const output: Uint8Array[] = [];
    let produced = 0;
    let received = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      detach();
      decoder.destroy();
      reject(error);
    };
    const decoder: Decoder = createDecoder(encoding, {
      maxDecompressedBytes: limits.maxDecompressedBytes,
      onData: (chunk) => {
        if (settled) return;
        produced += chunk.length;
        if (produced > limits.maxDecompressedBytes) fail(decompressedTooLarge(limits.maxDecompressedBytes));
        else output.push(chunk);
      },
    });
    // 'end' can come while the last chunk is still being decoded (a paused stream still ends once
    // its buffer is read, e.g. for a body that arrived whole before reading began): end after it.
    let writing: Promise<void> = Promise.resolve();
    const detach = listenToBody(req, {
      data: (chunk) => {
        received += chunk.length;
        if (received > limits.maxBodyBytes) {
          fail(rawTooLarge(limits.maxBodyBytes));
          return;
        }
        req.pause();
        writing = decoder.write(chunk).then(() => {
          if (!settled) req.resume();
        });
        writing.catch(fail);
      },
      end: () => {
        writing
          .then(() => decoder.end())
          .then(() => {
            if (settled) return;
            settled = true;
            detach();
            resolve(joined(output, produced));
          }, fail);
      },
      gone: () => fail(new BodyAbortedError('the request ended before its body')),
    });
  });
}

/** The chunks as one buffer: the only chunk itself (no copy), else a concatenation. */
function joined(chunks: readonly Uint8Array[], total: number): Buffer {
  const only = chunks.length === 1 ? chunks[0] : undefined;
  if (only) return Buffer.isBuffer(only) ? only : Buffer.from(only.buffer, only.byteOffset, only.byteLength);
  return Buffer.concat(chunks, total);
}

/**
 * After a refusal, reads and drops the rest of the body so that the client, still sending, gets
 * the answer and can reuse its connection. A body that goes on past `maxBytes` more closes it.
 */
export function discardRest(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  if (req.complete || req.destroyed) return;
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) res.setHeader('Connection', 'close');
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) req.socket.destroy();
  });
  req.resume();
}
