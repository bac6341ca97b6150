/**
 * An OTLP body that is not the message it claims to be. Its message is a one-line reason for the
 * sender (`malformed protobuf ExportTraceServiceRequest: ...`), which the routes answer with a 400.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** The readers' bounds on untrusted input. */
export interface DecodeLimits {
  /**
   * How deep AnyValues may nest (an attribute's value is at depth 1, an item of an array in it at 2):
   * the one unbounded recursion of OTLP. Deeper input is refused rather than followed.
   */
  readonly maxValueDepth: number;
}

/**
 * Far deeper than any exporter nests attribute values (the converters show 16 levels), shallow enough
 * for the readers' recursion.
 */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxValueDepth: 64 };
