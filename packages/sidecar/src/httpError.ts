/**
 * A refusal with its HTTP status and a one-line reason meant for the sender. Thrown anywhere in
 * request handling; the error middleware answers it as `text/plain`.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const payloadTooLarge = (message: string): HttpError => new HttpError(413, message);
export const badRequest = (message: string): HttpError => new HttpError(400, message);
