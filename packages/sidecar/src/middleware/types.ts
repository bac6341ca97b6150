import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The request as the sidecar's middleware see it: Node's own, plus what Express's router adds
 * (`params`) and what readEnvelopeBody sets (`body`). Express's Request extends it, so the same
 * functions run on an Express app and on a bare router.
 */
export interface SidecarRequest extends IncomingMessage {
  readonly params?: Readonly<Record<string, string | string[] | undefined>>;
  /** The decompressed body, once readEnvelopeBody has read it. */
  body?: Buffer;
}

export type Next = (error?: unknown) => void;
/** A handler may return a promise (an async one): a rejection is passed on as an error, as Express 5 does. */
export type Middleware = (req: SidecarRequest, res: ServerResponse, next: Next) => void | Promise<void>;
export type ErrorMiddleware = (error: unknown, req: SidecarRequest, res: ServerResponse, next: Next) => void;
