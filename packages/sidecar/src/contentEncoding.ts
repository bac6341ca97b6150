import { HttpError } from './httpError.ts';

/** The body encodings the sidecar decodes. `deflate` covers zlib-wrapped and raw deflate. */
export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'br' | 'zstd';

export const SUPPORTED_ENCODINGS: readonly ContentEncoding[] = ['gzip', 'deflate', 'br', 'zstd', 'identity'];

const ALIASES: Readonly<Record<string, ContentEncoding>> = {
  '': 'identity',
  identity: 'identity',
  // Some SDKs put the charset here; it says nothing about compression.
  'utf-8': 'identity',
  utf8: 'identity',
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
  zstd: 'zstd',
};

const unsupported = (message: string): HttpError =>
  new HttpError(415, `${message}; supported Content-Encoding values: ${SUPPORTED_ENCODINGS.join(', ')} (one at a time)`);

/**
 * Reads a Content-Encoding header. An absent or empty value, `identity` and `UTF-8` mean no
 * compression. Stacked encodings (`gzip, br`) are refused with 415: no SDK sends them, and each
 * layer would multiply a decompression bomb.
 */
export function parseContentEncoding(header: string | string[] | undefined): ContentEncoding {
  if (header === undefined) return 'identity';
  const value = (Array.isArray(header) ? header.join(',') : header).trim().toLowerCase();
  const known = ALIASES[value];
  if (known) return known;
  const layers = value.split(',').map((part) => part.trim());
  const unknown = layers.find((layer) => ALIASES[layer] === undefined);
  if (unknown !== undefined) throw unsupported(`unknown Content-Encoding "${unknown.slice(0, 100)}"`);
  const compressing = layers.map((layer) => ALIASES[layer] as ContentEncoding).filter((encoding) => encoding !== 'identity');
  if (compressing.length > 1) throw unsupported(`stacked Content-Encoding "${value.slice(0, 100)}" is not supported`);
  return compressing[0] ?? 'identity';
}
