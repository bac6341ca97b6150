import { concatBytes, fromBase64, toBase64, utf8Decode, utf8Encode } from './bytes.ts';
import { isJsonWhitespace } from './jsonSyntax.ts';
import { type Envelope, type EnvelopeHeaders, type ItemHeaders, JSON_ITEM_TYPES, RAW_ITEM_TYPES } from './model.ts';
import { parseEnvelope } from './parse.ts';

/**
 * The SSE wire format, compatible with the published Spotlight sidecar's stream:
 *
 *   event: application/x-sentry-envelope
 *   id: <envelope id>
 *   data: [header, [[itemHeader, payload], ...]]
 *
 * `data` is one line of JSON. JSON payloads appear as JSON values; raw payloads (attachments,
 * replays, anything not JSON) as `{"data": "..."}`: text for text/plain and application/json
 * content types, base64 for everything else. The header gains `__spotlight_envelope_id` and
 * `__spotlight_inferred_source`, as the published sidecar's does. The frame around it is protocol.ts.
 */

/** A decoded wire item: the JSON value, or for raw items a string (text) or bytes. */
export type WireItem = [ItemHeaders, unknown];
export type WireEnvelope = [EnvelopeHeaders & WireMeta, WireItem[]];

export interface WireMeta {
  __spotlight_envelope_id?: string;
  __spotlight_inferred_source?: string;
}

const CR = 0x0d;
const LF = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const TEXT_CONTENT_TYPES: ReadonlySet<string> = new Set(['text/plain', 'application/json']);

function isTextContent(header: ItemHeaders): boolean {
  const contentType = typeof header.content_type === 'string' ? header.content_type.split(';')[0]?.trim() : undefined;
  return contentType !== undefined && TEXT_CONTENT_TYPES.has(contentType);
}

function hasLineBreak(text: string): boolean {
  return text.includes('\n') || text.includes('\r');
}

/** Returns the payload as one line of JSON text, or undefined when it is not JSON. */
function payloadAsJsonText(payload: Uint8Array): string | undefined {
  if (payload.length === 0) return undefined;
  const text = utf8Decode(payload);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Payloads are usually compact JSON already: splice the text instead of re-serializing it.
  return hasLineBreak(text) ? JSON.stringify(value) : text;
}

function headerJson(envelope: Envelope, meta: WireMeta): string {
  return JSON.stringify({ ...envelope.header, ...meta });
}

/**
 * Whether an envelope's header line (which parsed as a JSON object) can take the meta keys in
 * place: it starts with `{` (no BOM, no leading space), ends with `}` and holds no CR. SDKs send
 * such lines; splicing them spares re-serializing the parsed header, which took about half the
 * time of building a frame.
 */
function isCompactObject(rawHeader: Uint8Array): boolean {
  return rawHeader[0] === OPEN_BRACE && rawHeader[rawHeader.length - 1] === CLOSE_BRACE && rawHeader.indexOf(CR) < 0;
}

/**
 * What replaces a compact header's closing brace: the meta keys, then the brace. JSON's last
 * duplicate key wins (`JSON.parse`, every viewer), so a meta key overrides one the SDK sent, as
 * `{ ...header, ...meta }` would.
 */
function metaTail(rawHeader: Uint8Array, meta: WireMeta): string {
  const keys = JSON.stringify(meta).slice(1);
  if (keys === '}') return keys;
  let empty = true;
  for (let i = 1; i < rawHeader.length - 1 && empty; i++) empty = isJsonWhitespace(rawHeader[i] as number);
  return empty ? keys : `,${keys}`;
}

/**
 * The SDK's header line without its closing brace, and what goes in the brace's place; undefined when
 * the line cannot take the meta keys in place (see isCompactObject).
 */
function splicedHeader(envelope: Envelope, meta: WireMeta): { readonly open: Uint8Array; readonly tail: string } | undefined {
  const { rawHeader } = envelope;
  if (!rawHeader || !isCompactObject(rawHeader)) return undefined;
  return { open: rawHeader.subarray(0, -1), tail: metaTail(rawHeader, meta) };
}

function rawPayloadJson(header: ItemHeaders, payload: Uint8Array): string {
  return JSON.stringify({ data: isTextContent(header) ? utf8Decode(payload) : toBase64(payload) });
}

const OPEN_BRACKET = utf8Encode('[');
const NEXT_ITEM = utf8Encode(',[');
const COMMA = utf8Encode(',');
const CLOSE_ITEM = utf8Encode(']');
const CLOSE_ENVELOPE = utf8Encode(']]');

function hasLineBreakByte(bytes: Uint8Array): boolean {
  return bytes.indexOf(LF) >= 0 || bytes.indexOf(CR) >= 0;
}

export interface WireEncodeOptions {
  /**
   * The payloads of JSON item types are known to be valid JSON (parseEnvelope checks them unless told
   * not to), so they are copied without being parsed again.
   */
  readonly trustJsonPayloads?: boolean;
}

/**
 * Encodes an envelope as the one-line JSON of an SSE `data:` field, as UTF-8 bytes. Built by copying
 * the envelope's own bytes (its header line, item headers, JSON payloads) rather than decoding and
 * re-encoding them: the sidecar's per-envelope cost.
 */
export function encodeWireEnvelope(envelope: Envelope, meta: WireMeta = {}, options: WireEncodeOptions = {}): Uint8Array {
  return concatBytes(wireEnvelopeParts(envelope, meta, options));
}

/**
 * encodeWireEnvelope's bytes as the pieces they are joined from (most of them views of the
 * envelope's own bytes), for a caller that puts them straight into a larger buffer: the sidecar
 * builds each envelope's SSE frame from them in one copy.
 */
export function wireEnvelopeParts(envelope: Envelope, meta: WireMeta = {}, options: WireEncodeOptions = {}): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const spliced = splicedHeader(envelope, meta);
  if (spliced) parts.push(OPEN_BRACKET, spliced.open, utf8Encode(`${spliced.tail},[`));
  else parts.push(utf8Encode(`[${headerJson(envelope, meta)},[`));
  envelope.items.forEach((item, index) => {
    parts.push(index === 0 ? OPEN_BRACKET : NEXT_ITEM);
    const { rawHeader, header, payload } = item;
    // A header line never holds \n, but a CRLF envelope leaves \r on it, which would end an SSE line.
    parts.push(rawHeader && !hasLineBreakByte(rawHeader) ? rawHeader : utf8Encode(JSON.stringify(header)), COMMA);
    if (RAW_ITEM_TYPES.has(header.type) || payload.length === 0) {
      parts.push(utf8Encode(rawPayloadJson(header, payload)));
    } else if (options.trustJsonPayloads && JSON_ITEM_TYPES.has(header.type) && !hasLineBreakByte(payload)) {
      parts.push(payload);
    } else {
      const json = payloadAsJsonText(payload);
      if (json === undefined) parts.push(utf8Encode(rawPayloadJson(header, payload)));
      else parts.push(hasLineBreakByte(payload) ? utf8Encode(json) : payload);
    }
    parts.push(CLOSE_ITEM);
  });
  parts.push(CLOSE_ENVELOPE);
  return parts;
}

/**
 * The envelope as a viewer sees it after the SSE hop: what the overlay's store holds. Used by tests and
 * by anything that receives bytes directly (e.g. an SDK bridge in the page) so both paths decode alike.
 */
export function toWireEnvelope(envelope: Envelope, meta: WireMeta = {}): WireEnvelope {
  return decodeWireEnvelope(utf8Decode(encodeWireEnvelope(envelope, meta)));
}

function isWireEnvelope(value: unknown): value is [Record<string, unknown>, unknown[]] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'object' && value[0] !== null && Array.isArray(value[1]);
}

/** Thrown when a frame is neither wire JSON nor a raw envelope. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/**
 * Decodes one SSE `data:` value from our sidecar or the published one (JSON), or from its older
 * versions, which sent the raw envelope text. Raw payloads become strings (text) or Uint8Array.
 */
export function decodeWireEnvelope(data: string): WireEnvelope {
  const trimmed = data.trimStart();
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new WireFormatError(`frame is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isWireEnvelope(value)) throw new WireFormatError('frame is not [header, items]');
    const items: WireItem[] = [];
    for (const entry of value[1]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'object' || entry[0] === null) continue;
      const header = entry[0] as ItemHeaders;
      items.push([header, decodeRawPayload(header, entry[1])]);
    }
    return [value[0] as EnvelopeHeaders & WireMeta, items];
  }
  const envelope = parseEnvelope(new TextEncoder().encode(data), { validateJsonPayloads: false });
  return [
    envelope.header,
    envelope.items.map((item): WireItem => {
      if (RAW_ITEM_TYPES.has(item.header.type)) return [item.header, isTextContent(item.header) ? utf8Decode(item.payload) : item.payload];
      try {
        return [item.header, JSON.parse(utf8Decode(item.payload))];
      } catch {
        return [item.header, item.payload];
      }
    }),
  ];
}

function decodeRawPayload(header: ItemHeaders, payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const data = (payload as { data?: unknown }).data;
  if (typeof data !== 'string') return payload;
  // Unknown types travel as JSON when they are JSON; only a lone `data` string marks raw bytes.
  if (!RAW_ITEM_TYPES.has(header.type) && Object.keys(payload).length !== 1) return payload;
  return isTextContent(header) ? data : fromBase64(data);
}
