import type { Attachment } from './grouping.ts';

export type AttachmentKind = 'image' | 'json' | 'text' | 'binary';

/** Raster formats browsers show in <img>. SVG is left out on purpose: opened on its own it can run script. */
const PREVIEW_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/jpg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
]);

const TEXT_EXTENSIONS = /\.(txt|log|md|csv|tsv|xml|html?|svg|ya?ml|ini|toml|js|mjs|cjs|ts|tsx|jsx|css|py|rb|go|rs|java|sh|env)$/i;

function mediaType(attachment: Attachment): string {
  return (attachment.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The attachment as text when it is text: UTF-8 without NUL bytes. Undefined for binary content. */
export function attachmentText(attachment: Attachment): string | undefined {
  if (typeof attachment.data === 'string') return attachment.data;
  if (attachment.data.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(attachment.data);
  } catch {
    return undefined;
  }
}

/** How the overlay shows an attachment: previewed image, pretty JSON, text, or a download only. */
export function attachmentKind(attachment: Attachment): AttachmentKind {
  const type = mediaType(attachment);
  if (PREVIEW_IMAGE_TYPES.has(type) && attachment.data instanceof Uint8Array) return 'image';
  const isJson = type === 'application/json' || type.endsWith('+json') || /\.json$/i.test(attachment.filename);
  const textual =
    isJson || type.startsWith('text/') || type === 'application/xml' || TEXT_EXTENSIONS.test(attachment.filename) || type === '';
  if (!textual || attachmentText(attachment) === undefined) return 'binary';
  return isJson ? 'json' : 'text';
}
