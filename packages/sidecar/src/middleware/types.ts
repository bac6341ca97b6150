import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A middleware over Node's own request and response. Express runs these unchanged (its Request and
 * Response extend them), and so does the hot-path dispatcher, which skips Express's router.
 */
export type Next = (error?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
export type ErrorMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void;
