import type { Request, RequestHandler, Response } from 'express';
import { type OverlayInitOptions, overlayScriptTags } from './error-page-html.ts';
import { configuredSidecarUrl, isSpotlightEnabled } from './sidecar-client.ts';
import { keepSidecar } from './sidecar-keeper.ts';

export interface OverlayInjectionOptions {
  /** The sidecar's URL. Default: found like the Node hooks find it (`SENTRY_SPOTLIGHT`, the state file, http://localhost:8969). */
  sidecarUrl?: string;
  /** Start a sidecar when none answers (default: yes, except in CI). */
  autoStart?: boolean;
  /** Default: on, except where the environment clearly says production (as for `spotlightErrorPage`). */
  enabled?: boolean;
  /** More `Spotlight.init()` options for the page (anchor, startFrom...). */
  initOptions?: Omit<OverlayInitOptions, 'sidecarUrl'>;
  /** HTML is held back at most this long (bytes) while looking for `<head>`; past it, the tags go where the response ends. Default 256 KiB. */
  maxBufferBytes?: number;
  env?: NodeJS.ProcessEnv;
}

const OVERLAY_MARKER = 'data-spotlight-overlay';
const HEAD_OPEN = /<head(?:\s[^>]*)?>/i;
const BODY_OPEN = /<body(?:\s[^>]*)?>/i;

/**
 * Adds the overlay to every HTML response (rendered templates, static .html, streamed pages) in development,
 * so that a server-rendered app gets Spotlight without touching its templates. Other responses pass untouched,
 * as do compressed ones (register it before compression middleware). Each page load makes sure a sidecar
 * answers (a cached health probe; started again when it exited on idle), so that the overlay loads.
 */
export function spotlightOverlay(options: OverlayInjectionOptions = {}): RequestHandler {
  const env = options.env ?? process.env;
  const enabled = options.enabled ?? isSpotlightEnabled(env);
  const tagsFor = (sidecarUrl: string) => overlayScriptTags({ ...options.initOptions, sidecarUrl });
  let tags = tagsFor(configuredSidecarUrl(options.sidecarUrl, env));
  const keeper = keepSidecar({ sidecarUrl: options.sidecarUrl, env, autoStart: options.autoStart });
  const ensure = () =>
    keeper.ensure().then((found) => {
      if (found.source !== 'unreachable') tags = tagsFor(found.url);
    });
  // Looked for (and started) at startup, so that the first page already finds it.
  if (enabled) void ensure();
  const maxBuffer = options.maxBufferBytes ?? 256 * 1024;
  return function spotlightOverlayMiddleware(req, res, next) {
    if (!enabled || req.method === 'HEAD') {
      next();
      return;
    }
    if (!loadsPage(req)) {
      injectInto(res, tags, maxBuffer);
      next();
      return;
    }
    // A page the browser shows loads the overlay from the sidecar: make sure one answers (it may have
    // exited on idle since the last page) before the page names it.
    void ensure().finally(() => {
      injectInto(res, tags, maxBuffer);
      next();
    });
  };
}

/** A navigation (or a frame): what the browser shows, and so what loads the overlay. */
function loadsPage(req: Request): boolean {
  return req.method === 'GET' && /\btext\/html\b/i.test(req.headers.accept ?? '');
}

type WriteCallback = (error?: Error | null) => void;
type Chunk = string | Uint8Array;

/** Where the tags go: right after `<head>`, else right after `<body>`; -1 while neither has arrived. */
export function injectionPoint(html: string): number {
  const head = HEAD_OPEN.exec(html);
  if (head) return head.index + head[0].length;
  const body = BODY_OPEN.exec(html);
  if (body) return body.index + body[0].length;
  return -1;
}

function injectInto(res: Response, tags: string, maxBuffer: number): void {
  // Untyped views of the originals: each is called with exactly the arguments its caller gave.
  const originalWrite = res.write as unknown as (this: Response, ...args: unknown[]) => boolean;
  const originalEnd = res.end as unknown as (this: Response, ...args: unknown[]) => Response;
  const originalWriteHead = res.writeHead as unknown as (this: Response, ...args: unknown[]) => Response;
  let mode: 'undecided' | 'inject' | 'pass' = 'undecided';
  let held: Buffer[] = [];
  let heldBytes = 0;
  const heldCallbacks: WriteCallback[] = [];

  const decide = (): void => {
    if (mode !== 'undecided') return;
    const type = String(res.getHeader('content-type') ?? '');
    const encoded = res.getHeader('content-encoding') !== undefined && res.getHeader('content-encoding') !== 'identity';
    const bodyless = res.statusCode === 204 || res.statusCode === 304 || (res.statusCode >= 100 && res.statusCode < 200);
    mode = /^\s*text\/html\b/i.test(type) && !encoded && !bodyless ? 'inject' : 'pass';
    // The length grows by the tags; Node frames the body itself without the header.
    if (mode === 'inject') res.removeHeader('content-length');
  };

  const toBuffer = (chunk: Chunk, encoding?: BufferEncoding): Buffer =>
    typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

  // Holds the start of the page until the injection point has arrived (or too much has), then lets it through.
  const takeHeld = (final: boolean): Buffer | undefined => {
    const html = Buffer.concat(held).toString('utf8');
    const at = injectionPoint(html);
    if (at === -1 && !final && heldBytes < maxBuffer) return undefined;
    held = [];
    heldBytes = 0;
    mode = 'pass';
    // Spotlight's own error page (or a template that already loads the overlay) keeps its tags only.
    if (html.includes(OVERLAY_MARKER)) return Buffer.from(html, 'utf8');
    return Buffer.from(at === -1 ? `${html}${tags}` : `${html.slice(0, at)}${tags}${html.slice(at)}`, 'utf8');
  };

  const flushCallbacks = (error?: Error | null): void => {
    for (const callback of heldCallbacks.splice(0)) callback(error);
  };

  res.writeHead = function writeHead(this: Response, statusCode: number, ...rest: unknown[]) {
    const message = typeof rest[0] === 'string' ? rest[0] : undefined;
    const headers = message === undefined ? rest[0] : rest[1];
    res.statusCode = statusCode;
    applyHeaders(res, headers);
    decide();
    return message === undefined ? originalWriteHead.call(this, statusCode) : originalWriteHead.call(this, statusCode, message);
  } as Response['writeHead'];

  res.write = function write(this: Response, chunk: Chunk, ...rest: unknown[]): boolean {
    decide();
    if (mode === 'pass') return originalWrite.call(this, chunk, ...rest);
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
    const callback = rest.find((arg): arg is WriteCallback => typeof arg === 'function');
    const buffer = toBuffer(chunk, encoding);
    held.push(buffer);
    heldBytes += buffer.byteLength;
    if (callback) heldCallbacks.push(callback);
    const ready = takeHeld(false);
    if (ready === undefined) return true;
    return originalWrite.call(this, ready, (error?: Error | null) => flushCallbacks(error));
  } as Response['write'];

  res.end = function end(this: Response, ...args: unknown[]): Response {
    decide();
    if (mode === 'pass') return originalEnd.apply(this, args);
    const callback = args.find((arg): arg is () => void => typeof arg === 'function');
    const chunk = args[0];
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      const buffer = toBuffer(chunk, typeof args[1] === 'string' ? (args[1] as BufferEncoding) : undefined);
      held.push(buffer);
      heldBytes += buffer.byteLength;
    }
    const ready = takeHeld(true) ?? Buffer.alloc(0);
    // The whole page is known here when nothing was written yet: give it its exact length again.
    if (!res.headersSent) res.setHeader('content-length', ready.byteLength);
    flushCallbacks();
    return originalEnd.call(this, ready, callback);
  } as Response['end'];
}

function applyHeaders(res: Response, headers: unknown): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    // Either [[name, value], ...] or the flat [name, value, name, value] form.
    if (headers.every(Array.isArray)) {
      for (const [name, value] of headers as [string, string][]) res.setHeader(name, value);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1] as string);
    }
    return;
  }
  if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) res.setHeader(name, value as string | number | readonly string[]);
    }
  }
}
