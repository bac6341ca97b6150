import { concatBytes, NEWLINE, utf8Encode } from './bytes.ts';
import { EnvelopeParseError } from './errors.ts';
import { parseEnvelope } from './parse.ts';

/**
 * A Spotlight session file (`spotlight export`, the overlay's Export button) holds envelopes exactly as
 * the SDKs sent them. The file is itself one Sentry envelope: its header says it is an export, and each
 * item holds one captured envelope, byte for byte, delimited by the item's `length` (envelopes have no
 * end marker of their own, so they cannot simply be concatenated):
 *
 *   {"spotlight_export":{"version":1,"envelopes":2},"sent_at":"2026-11-24T08:50:00.000Z"}
 *   {"type":"envelope","length":1234,"content_type":"application/x-sentry-envelope","received_at":"2026-11-24T08:47:09.840Z","source":"server"}
 *   <the 1234 bytes of the first envelope>
 *   {"type":"envelope","length":567,...}
 *   <the 567 bytes of the second>
 *
 * Any Sentry envelope parser reads it; `readSessionFile` also takes a plain envelope (one `.envelope`
 * file, as SDKs send and fixtures hold), which is one entry.
 */
export const SESSION_FILE_VERSION = 1;
export const SESSION_FILE_ITEM_TYPE = 'envelope';
export const ENVELOPE_CONTENT_TYPE = 'application/x-sentry-envelope';

export interface SessionFileEntry {
  /** The envelope as received, decompressed. */
  readonly bytes: Uint8Array;
  /** When the sidecar received it (epoch ms). */
  readonly receivedAt?: number;
  /** `browser` or `server`, as the sidecar inferred it. */
  readonly source?: string;
}

export interface SessionFileMeta {
  /** When it was written (epoch ms). */
  readonly exportedAt: number;
}

const NL = new Uint8Array([NEWLINE]);

export function writeSessionFile(entries: readonly SessionFileEntry[], meta: SessionFileMeta): Uint8Array {
  const header = {
    spotlight_export: { version: SESSION_FILE_VERSION, envelopes: entries.length },
    sent_at: new Date(meta.exportedAt).toISOString(),
  };
  const parts: Uint8Array[] = [utf8Encode(JSON.stringify(header))];
  for (const entry of entries) {
    const itemHeader: Record<string, unknown> = {
      type: SESSION_FILE_ITEM_TYPE,
      length: entry.bytes.byteLength,
      content_type: ENVELOPE_CONTENT_TYPE,
    };
    if (entry.receivedAt !== undefined) itemHeader.received_at = new Date(entry.receivedAt).toISOString();
    if (entry.source !== undefined) itemHeader.source = entry.source;
    parts.push(NL, utf8Encode(JSON.stringify(itemHeader)), NL, entry.bytes);
  }
  parts.push(NL);
  return concatBytes(parts);
}

/** Whether the bytes are a session file (rather than a plain envelope). Throws EnvelopeParseError on neither. */
export function isSessionFile(bytes: Uint8Array): boolean {
  const envelope = parseEnvelope(bytes, { validateJsonPayloads: false });
  return typeof envelope.header.spotlight_export === 'object' && envelope.header.spotlight_export !== null;
}

/**
 * The envelopes of a session file, or the one envelope of a plain envelope file. Each is checked to be
 * an envelope (EnvelopeParseError names the bad one), so an import stores all of them or none.
 */
export function readSessionFile(bytes: Uint8Array): SessionFileEntry[] {
  const outer = parseEnvelope(bytes, { validateJsonPayloads: false });
  const exported = outer.header.spotlight_export;
  if (typeof exported !== 'object' || exported === null) {
    parseEnvelope(bytes);
    return [{ bytes }];
  }
  const entries: SessionFileEntry[] = [];
  outer.items.forEach((item, index) => {
    if (item.header.type !== SESSION_FILE_ITEM_TYPE) return;
    try {
      parseEnvelope(item.payload);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new EnvelopeParseError('bad_payload', 0, `envelope ${index + 1} of the file is not an envelope: ${detail}`);
    }
    const receivedAt = typeof item.header.received_at === 'string' ? Date.parse(item.header.received_at) : Number.NaN;
    const entry: { -readonly [K in keyof SessionFileEntry]: SessionFileEntry[K] } = { bytes: item.payload };
    if (!Number.isNaN(receivedAt)) entry.receivedAt = receivedAt;
    if (typeof item.header.source === 'string') entry.source = item.header.source;
    entries.push(entry);
  });
  return entries;
}
