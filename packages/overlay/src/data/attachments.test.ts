import { describe, expect, it } from 'vitest';
import { attachmentKind, attachmentText } from './attachments.ts';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('attachments', () => {
  it('previews raster images only', () => {
    expect(attachmentKind({ filename: 'shot.png', contentType: 'image/png', data: png })).toBe('image');
    expect(attachmentKind({ filename: 'a.jpg', contentType: 'image/jpeg', data: png })).toBe('image');
    // An SVG could run script when opened from a blob URL: shown as text instead.
    expect(attachmentKind({ filename: 'x.svg', contentType: 'image/svg+xml', data: utf8('<svg onload="alert(1)"/>') })).toBe('text');
  });

  it('shows JSON and text, by type or by file name', () => {
    expect(attachmentKind({ filename: 'state.json', contentType: 'application/json', data: '{"a":1}' })).toBe('json');
    expect(attachmentKind({ filename: 'state.json', data: utf8('{"a":1}') })).toBe('json');
    expect(attachmentKind({ filename: 'notes.txt', contentType: 'text/plain', data: 'hello' })).toBe('text');
    expect(attachmentKind({ filename: 'server.log', contentType: 'application/octet-stream', data: utf8('line') })).toBe('text');
    expect(attachmentKind({ filename: 'untyped', data: utf8('plain words') })).toBe('text');
  });

  it('offers everything else for download', () => {
    expect(attachmentKind({ filename: 'dump.bin', contentType: 'application/octet-stream', data: png })).toBe('binary');
    expect(attachmentKind({ filename: 'untyped', data: png })).toBe('binary');
    expect(attachmentKind({ filename: 'bad.txt', contentType: 'text/plain', data: new Uint8Array([0xff, 0xfe, 0x41]) })).toBe('binary');
  });

  it('decodes UTF-8 text and refuses binary', () => {
    expect(attachmentText({ filename: 'a', data: utf8('héllo ✓') })).toBe('héllo ✓');
    expect(attachmentText({ filename: 'a', data: png })).toBeUndefined();
  });
});
