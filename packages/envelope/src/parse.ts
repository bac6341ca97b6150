import { NEWLINE, utf8Decode } from './bytes.ts';
import { EnvelopeParseError } from './errors.ts';
import { jsonSyntaxError } from './jsonSyntax.ts';
import { type Envelope, type EnvelopeHeaders, type Item, type ItemHeaders, JSON_ITEM_TYPES } from './model.ts';

export interface ParseOptions {
  /** Refuse envelopes with more items than this (code `too_many_items`). */
  readonly maxItems?: number;
  /**
   * Check that payloads of JSON item types (event, transaction, span, log...) are valid JSON
   * (code `bad_payload`, at the first bad byte). On by default: a broken event must be refused at the
   * door, not in a viewer. A syntax check (jsonSyntax.ts): nothing is built.
   */
  readonly validateJsonPayloads?: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineEnd(bytes: Uint8Array, from: number): number {
  const at = bytes.indexOf(NEWLINE, from);
  return at < 0 ? bytes.length : at;
}

function parseJsonAt(bytes: Uint8Array, start: number, end: number, what: string, code: EnvelopeParseError['code']): unknown {
  try {
    return JSON.parse(utf8Decode(bytes.subarray(start, end)));
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new EnvelopeParseError(code, start, `${what} is not valid JSON: ${detail}`);
  }
}

/**
 * Parses a Sentry envelope (https://develop.sentry.dev/sdk/data-model/envelopes/): a header line,
 * then items, each a header line and a payload that is either `length` bytes (a byte count) or runs
 * to the next newline or the end. Pure: the input is not modified and payloads are views into it.
 */
export function parseEnvelope(bytes: Uint8Array, options: ParseOptions = {}): Envelope {
  const { maxItems = Number.POSITIVE_INFINITY, validateJsonPayloads = true } = options;
  if (bytes.length === 0) throw new EnvelopeParseError('empty', 0, 'envelope is empty');

  const headerEnd = lineEnd(bytes, 0);
  const header = parseJsonAt(bytes, 0, headerEnd, 'envelope header', 'bad_header');
  if (!isPlainObject(header)) throw new EnvelopeParseError('bad_header', 0, 'envelope header must be a JSON object');

  const items: Item[] = [];
  let pos = headerEnd + 1;
  let trailingNewline = headerEnd < bytes.length;
  while (pos < bytes.length) {
    const itemStart = pos;
    if (items.length >= maxItems) {
      throw new EnvelopeParseError('too_many_items', itemStart, `envelope has more than ${maxItems} items`);
    }
    const index = items.length + 1;
    const itemHeaderEnd = lineEnd(bytes, pos);
    const itemHeader = parseJsonAt(bytes, pos, itemHeaderEnd, `item ${index} header`, 'bad_item_header');
    if (!isPlainObject(itemHeader) || typeof itemHeader.type !== 'string' || itemHeader.type === '') {
      throw new EnvelopeParseError('bad_item_header', pos, `item ${index} header must be a JSON object with a "type" string`);
    }
    const { length } = itemHeader;
    if (length !== undefined && length !== null && !(Number.isSafeInteger(length) && (length as number) >= 0)) {
      throw new EnvelopeParseError('bad_item_header', pos, `item ${index} "length" must be a non-negative integer`);
    }
    const payloadStart = Math.min(itemHeaderEnd + 1, bytes.length);
    let payloadEnd: number;
    if (typeof length === 'number') {
      payloadEnd = payloadStart + length;
      if (payloadEnd > bytes.length) {
        throw new EnvelopeParseError(
          'truncated',
          payloadStart,
          `item ${index} declares ${length} payload bytes but only ${bytes.length - payloadStart} remain`,
        );
      }
      if (payloadEnd < bytes.length && bytes[payloadEnd] !== NEWLINE) {
        throw new EnvelopeParseError('truncated', payloadEnd, `item ${index} payload is not followed by a newline`);
      }
    } else {
      payloadEnd = lineEnd(bytes, payloadStart);
    }
    const type = itemHeader.type;
    if (validateJsonPayloads && JSON_ITEM_TYPES.has(type) && payloadEnd > payloadStart) {
      const error = jsonSyntaxError(bytes, payloadStart, payloadEnd);
      if (error !== undefined) {
        throw new EnvelopeParseError('bad_payload', error.at, `item ${index} (${type}) payload is not valid JSON: ${error.reason}`);
      }
    }
    items.push({
      header: itemHeader as ItemHeaders,
      payload: bytes.subarray(payloadStart, payloadEnd),
      rawHeader: bytes.subarray(itemStart, itemHeaderEnd),
    });
    trailingNewline = payloadEnd < bytes.length;
    pos = payloadEnd + 1;
  }

  return {
    header: header as EnvelopeHeaders,
    items,
    rawHeader: bytes.subarray(0, headerEnd),
    trailingNewline,
  };
}
