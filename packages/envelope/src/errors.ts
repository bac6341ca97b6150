/** Why an envelope was refused; lets callers map a failure to an HTTP status without parsing messages. */
export type EnvelopeErrorCode = 'empty' | 'bad_header' | 'bad_item_header' | 'bad_payload' | 'truncated' | 'too_many_items';

/**
 * Thrown by the parser. `offset` is the byte offset in the input where the problem starts, so a
 * 400 answer can point at it; `message` is one line.
 */
export class EnvelopeParseError extends Error {
  override readonly name = 'EnvelopeParseError';
  constructor(
    readonly code: EnvelopeErrorCode,
    readonly offset: number,
    reason: string,
  ) {
    super(`${reason} (at byte ${offset})`);
  }
}
