import { describe, expect, it } from 'vitest';
import { parseContentEncoding } from './contentEncoding.ts';
import { HttpError } from './httpError.ts';

function refusal(header: string): HttpError {
  try {
    parseContentEncoding(header);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseContentEncoding', () => {
  it('maps every supported value', () => {
    expect(parseContentEncoding(undefined)).toBe('identity');
    expect(parseContentEncoding('')).toBe('identity');
    expect(parseContentEncoding('identity')).toBe('identity');
    expect(parseContentEncoding('UTF-8')).toBe('identity');
    expect(parseContentEncoding('gzip')).toBe('gzip');
    expect(parseContentEncoding('x-gzip')).toBe('gzip');
    expect(parseContentEncoding(' GZIP ')).toBe('gzip');
    expect(parseContentEncoding('deflate')).toBe('deflate');
    expect(parseContentEncoding('br')).toBe('br');
    expect(parseContentEncoding('zstd')).toBe('zstd');
    expect(parseContentEncoding('identity, gzip')).toBe('gzip');
  });

  it('refuses unknown encodings with 415, listing the supported ones', () => {
    const error = refusal('compress');
    expect(error.status).toBe(415);
    expect(error.message).toBe(
      'unknown Content-Encoding "compress"; supported Content-Encoding values: gzip, deflate, br, zstd, identity (one at a time)',
    );
  });

  it('refuses stacked encodings with 415', () => {
    const error = refusal('gzip, br');
    expect(error.status).toBe(415);
    expect(error.message).toBe(
      'stacked Content-Encoding "gzip, br" is not supported; supported Content-Encoding values: gzip, deflate, br, zstd, identity (one at a time)',
    );
  });
});
