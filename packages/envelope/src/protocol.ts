/**
 * Spotlight's own protocol between the sidecar and whoever talks to it (SDK hooks, the overlay, the
 * CLI, tests): the SSE stream's event names and frames, the `GET /health` answer, the `--state-file`
 * a started sidecar writes, and an envelope as a viewer keeps it. Pure and runtime-free (Node and
 * browsers), like the rest of this package. The envelope's own wire JSON (`data:` of an envelope
 * event) is wire.ts.
 */
import { concatBytes, utf8Decode, utf8Encode } from './bytes.ts';
import type { WireEnvelope } from './wire.ts';

/** The SSE event of one envelope (its `data:` is the wire JSON); the published sidecar's name too. */
export const SSE_ENVELOPE_EVENT = 'application/x-sentry-envelope';
/** The SSE event every viewer gets after `DELETE /clear` (`data: {}`). */
export const SSE_CLEAR_EVENT = 'spotlight.clear';

/** Thrown for a frame that cannot be written: a line break in `id` or `event`, a bad `retry`. */
export class SseFrameError extends Error {
  override readonly name = 'SseFrameError';
}

export interface SseFrameFields {
  /** `id:`, what an EventSource sends back as `Last-Event-ID`. No CR or LF. */
  readonly id?: string;
  /** `event:`. No CR or LF. */
  readonly event?: string;
  /**
   * `data:`; text or UTF-8 bytes with line breaks become one `data:` line per line. Bytes may come
   * in pieces (wireEnvelopeParts), joined as they are written.
   */
  readonly data?: string | Uint8Array | readonly Uint8Array[];
  /** `retry:`, the reconnection delay in ms: a whole number. */
  readonly retry?: number;
  /** A comment (`: ...`), e.g. a heartbeat; one line each per line. */
  readonly comment?: string;
}

const CR = 0x0d;
const LF = 0x0a;
const LINE_BREAK = /\r\n|\r|\n/;
const END = utf8Encode('\n');

function singleLine(name: string, value: string): string {
  if (value.includes('\r') || value.includes('\n')) throw new SseFrameError(`SSE ${name} must not contain CR or LF`);
  return value;
}

/**
 * One Server-Sent Events frame, ending with its blank line, as UTF-8 bytes: what the sidecar writes
 * for every frame (envelopes, clear, the opening `retry:`, heartbeats). Field order: comment, retry,
 * id, event, data. Bytes `data` without line breaks (an envelope's wire JSON) is copied as it is,
 * into the frame's one allocation.
 */
export function sseFrame(fields: SseFrameFields): Uint8Array {
  let head = '';
  if (fields.comment !== undefined) for (const line of fields.comment.split(LINE_BREAK)) head += `: ${line}\n`;
  if (fields.retry !== undefined) {
    if (!Number.isSafeInteger(fields.retry) || fields.retry < 0)
      throw new SseFrameError(`SSE retry must be a whole number of ms, got ${fields.retry}`);
    head += `retry: ${fields.retry}\n`;
  }
  if (fields.id !== undefined) head += `id: ${singleLine('id', fields.id)}\n`;
  if (fields.event !== undefined) head += `event: ${singleLine('event', fields.event)}\n`;
  const { data } = fields;
  if (data === undefined) return utf8Encode(`${head}\n`);
  if (typeof data === 'string') return utf8Encode(`${head}${dataLines(data)}\n`);
  const pieces = data instanceof Uint8Array ? [data] : data;
  if (pieces.every((piece) => piece.indexOf(LF) < 0 && piece.indexOf(CR) < 0)) {
    return concatBytes([utf8Encode(`${head}data: `), ...pieces, END, END]);
  }
  return utf8Encode(`${head}${dataLines(utf8Decode(concatBytes(pieces)))}\n`);
}

function dataLines(text: string): string {
  let lines = '';
  for (const line of text.split(LINE_BREAK)) lines += `data: ${line}\n`;
  return lines;
}

/** Where an envelope came from, as the wire header's `__spotlight_inferred_source` says. */
export type EnvelopeSource = 'browser' | 'server';

/**
 * An envelope as a viewer keeps it after the SSE hop (the overlay's store, a terminal): the
 * sidecar's id (the event's `id:`, which sorts by arrival) or a local one, when this viewer
 * received it, and the decoded wire envelope.
 */
export interface StoredEnvelope {
  readonly id: string;
  /** When this viewer received it, in ms since the epoch. */
  readonly receivedAt: number;
  readonly envelope: WireEnvelope;
}

/** The `X-Powered-By` of every sidecar answer, ours and the published one's: how tools recognize a sidecar. */
export const SPOTLIGHT_POWERED_BY = 'spotlight-by-sentry';

/** What `GET /health` answers (JSON). */
export interface SidecarHealth {
  readonly name: 'spotlight';
  readonly version: string;
  readonly pid: number;
  readonly port: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** Envelopes held in the buffer. */
  readonly envelopes: number;
  readonly bufferBytes: number;
  readonly viewers: number;
  /** Viewers disconnected since start for not reading their stream. */
  readonly slowViewersDisconnected: number;
}

/** What answers at a sidecar's address. */
export type SidecarProbe =
  /** A Spotlight sidecar (ours, with its pid; or the published one). */
  | { readonly kind: 'spotlight'; readonly pid: number | undefined }
  /** Another HTTP server holds the port. */
  | { readonly kind: 'other'; readonly status: number }
  /** Nothing usable answers: nothing listens, it is not HTTP, or it did not answer in time. */
  | { readonly kind: 'down'; readonly reason: string };

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads an answer to `GET /health`: a sidecar names itself in the JSON (`name: 'spotlight'`) or in
 * `X-Powered-By` (the published one, whatever its status); anything else is another program.
 */
export function readHealthAnswer(status: number, poweredBy: string | undefined, body: string): SidecarProbe {
  const health = jsonObject(body);
  if ((status === 200 && health?.name === 'spotlight') || poweredBy === SPOTLIGHT_POWERED_BY) {
    return { kind: 'spotlight', pid: typeof health?.pid === 'number' ? health.pid : undefined };
  }
  return { kind: 'other', status };
}

/** What `--state-file` holds while a sidecar runs (JSON): how the process that started it finds it. */
export interface SidecarState {
  /** Base URL, e.g. `http://localhost:8969`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
}

/** A state file's text, read: its url and pid (what a reader relies on), or undefined when it has neither. */
export function parseSidecarState(text: string): Pick<SidecarState, 'url' | 'pid'> | undefined {
  const state = jsonObject(text);
  if (typeof state?.url !== 'string' || typeof state.pid !== 'number') return undefined;
  return { url: state.url, pid: state.pid };
}
