import { decodeWireEnvelope, SSE_CLEAR_EVENT, SSE_ENVELOPE_EVENT, type WireEnvelope } from '@spotlight/envelope';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ConnectionState } from './store.ts';

export interface SseClientOptions {
  /** The stream's URL, e.g. `http://localhost:8969/stream`. */
  readonly url: string;
  readonly onEnvelope: (envelope: WireEnvelope, id: string | undefined) => void;
  readonly onClear?: () => void;
  readonly onConnection?: (state: ConnectionState) => void;
  /** A frame that could not be decoded: reported and skipped, the stream goes on. */
  readonly onFrameError?: (error: Error, data: string) => void;
  readonly fetch?: typeof fetch;
  /** First reconnect delay; doubles per failure up to `maxRetryMs`. The server's `retry:` replaces it. */
  readonly initialRetryMs?: number;
  readonly maxRetryMs?: number;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. 0 disables. Default 45 s. */
  readonly idleTimeoutMs?: number;
  /** Resume after this id (e.g. the newest one already in the store). */
  readonly lastEventId?: string;
  /** Bytes one event may hold before the parser gives up on the connection. Default 64 MiB. */
  readonly maxEventBytes?: number;
  /**
   * Longest stretch (ms) the client reads a backlog before it hands the thread back (to rendering,
   * input) for one turn of the event loop. Default 25: a replay of thousands of envelopes that are all
   * there already would otherwise be read in one task of seconds. 0 never yields.
   */
  readonly readSliceMs?: number;
  readonly now?: () => number;
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

export interface SseClient {
  readonly state: () => ConnectionState;
  readonly lastEventId: () => string | undefined;
  /** Drops the current connection and connects again right away (e.g. the user clicked "retry"). */
  reconnect(): void;
  close(): void;
}

const DEFAULT_INITIAL_RETRY_MS = 500;
const DEFAULT_MAX_RETRY_MS = 15_000;
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;
const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_READ_SLICE_MS = 25;
/** What is framed at once: framing is cheap next to handling, and the clock is read between events. */
const FEED_PIECE_CHARS = 64 * 1024;

/** One turn of the event loop: `scheduler.yield()` where there is one (it keeps the task's priority), else a timer. */
function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => globalThis.setTimeout(resolve, 0));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Reads the sidecar's SSE stream with a streaming `fetch` (not EventSource: it can set headers,
 * report why a connection failed, and runs in Node for tests). Reconnects with exponential backoff
 * and resumes with `Last-Event-ID`, so envelopes sent while the sidecar restarted are not lost.
 */
export function connectSse(options: SseClientOptions): SseClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const setTimer = options.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms));
  const clearTimer = options.clearTimeout ?? ((handle: unknown) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>));
  const initialRetryMs = options.initialRetryMs ?? DEFAULT_INITIAL_RETRY_MS;
  const maxRetryMs = options.maxRetryMs ?? DEFAULT_MAX_RETRY_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const readSliceMs = options.readSliceMs ?? DEFAULT_READ_SLICE_MS;

  let state: ConnectionState = { status: 'idle' };
  let lastEventId = options.lastEventId;
  let serverRetryMs: number | undefined;
  let failures = 0;
  let closed = false;
  let controller: AbortController | undefined;
  let retryTimer: unknown;
  let idleTimer: unknown;

  function setState(next: ConnectionState): void {
    state = next;
    options.onConnection?.(next);
  }

  function handleEvent(message: EventSourceMessage): void {
    if (message.id !== undefined && message.id.length > 0) lastEventId = message.id;
    if (message.event === SSE_CLEAR_EVENT) {
      options.onClear?.();
      return;
    }
    // Old sidecars sent envelopes without an event name.
    if (message.event !== undefined && message.event !== SSE_ENVELOPE_EVENT) return;
    if (message.data.length === 0) return;
    let envelope: WireEnvelope;
    try {
      envelope = decodeWireEnvelope(message.data);
    } catch (error) {
      options.onFrameError?.(error instanceof Error ? error : new Error(String(error)), message.data);
      return;
    }
    options.onEnvelope(envelope, message.id !== undefined && message.id.length > 0 ? message.id : undefined);
  }

  function armIdleTimer(): void {
    if (idleTimeoutMs <= 0) return;
    if (idleTimer !== undefined) clearTimer(idleTimer);
    idleTimer = setTimer(() => {
      idleTimer = undefined;
      controller?.abort(new Error(`no data for ${Math.round(idleTimeoutMs / 1000)} s`));
    }, idleTimeoutMs);
  }

  function scheduleReconnect(reason: string): void {
    if (closed) return;
    failures += 1;
    const base = serverRetryMs ?? initialRetryMs;
    const delay = Math.min(maxRetryMs, base * 2 ** Math.min(failures - 1, 16));
    setState({ status: 'reconnecting', error: reason, retryAt: now() + delay });
    retryTimer = setTimer(() => {
      retryTimer = undefined;
      void run();
    }, delay);
  }

  async function run(): Promise<void> {
    if (closed) return;
    const current = new AbortController();
    controller = current;
    setState({ status: failures === 0 ? 'connecting' : 'reconnecting', ...(state.error ? { error: state.error } : {}) });
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
    let reason = 'the stream ended';
    try {
      const response = await doFetch(options.url, { headers, signal: current.signal, cache: 'no-store', credentials: 'omit' });
      if (!response.ok) throw new Error(`the sidecar answered ${response.status} ${response.statusText}`.trim());
      const contentType = response.headers.get('content-type') ?? '';
      if (!contentType.includes('text/event-stream'))
        throw new Error(`the sidecar answered ${contentType || 'no content type'}, not an event stream`);
      if (!response.body) throw new Error('the response has no body');
      failures = 0;
      setState({ status: 'open' });
      armIdleTimer();
      // Framed events wait here to be handled one by one (see deliver).
      const parsed: EventSourceMessage[] = [];
      const parser = createParser({
        onEvent: (message) => parsed.push(message),
        onRetry: (ms) => {
          if (Number.isFinite(ms) && ms > 0) serverRetryMs = ms;
        },
        maxBufferSize: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
        onError: (error) => {
          if (error.type === 'max-buffer-size-exceeded') current.abort(new Error(error.message));
        },
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let sliceStart = now();
      const sliceUsedUp = () => readSliceMs > 0 && now() - sliceStart >= readSliceMs;
      // Hands the thread back (to rendering, input) for one turn. False: the connection was aborted
      // meanwhile, and the next read() throws why.
      const handBack = async (): Promise<boolean> => {
        await yieldToEventLoop();
        sliceStart = now();
        return !current.signal.aborted;
      };
      // Events are handled one at a time between looks at the clock: one piece of a replay can hold a
      // hundred small envelopes (log lines), whose decoding and deriving would not fit in one slice.
      const deliver = async (): Promise<boolean> => {
        for (let message = parsed.shift(); message !== undefined; message = parsed.shift()) {
          if (current.signal.aborted) return false;
          handleEvent(message);
          if (sliceUsedUp() && !(await handBack())) return false;
        }
        return true;
      };
      try {
        // A chunk that is already there resolves `read()` in a microtask: without a break, the whole
        // backlog would be read in one task.
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          armIdleTimer();
          // A chunk can hold thousands of envelopes: it is framed in pieces, so that framing is not one
          // long task either.
          const text = decoder.decode(value, { stream: true });
          for (let at = 0; at < text.length; at += FEED_PIECE_CHARS) {
            parser.feed(text.slice(at, at + FEED_PIECE_CHARS));
            if (!(await deliver())) break;
            if (sliceUsedUp() && !(await handBack())) break;
          }
        }
        parser.feed(decoder.decode());
        await deliver();
      } finally {
        reader.releaseLock();
      }
    } catch (error) {
      reason = current.signal.aborted && current.signal.reason !== undefined ? describe(current.signal.reason) : describe(error);
    }
    if (idleTimer !== undefined) {
      clearTimer(idleTimer);
      idleTimer = undefined;
    }
    if (controller === current) controller = undefined;
    if (closed) return;
    scheduleReconnect(reason);
  }

  void run();

  return {
    state: () => state,
    lastEventId: () => lastEventId,
    reconnect() {
      if (closed) return;
      if (retryTimer !== undefined) {
        clearTimer(retryTimer);
        retryTimer = undefined;
        failures = 0;
        void run();
        return;
      }
      controller?.abort(new Error('reconnecting'));
    },
    close() {
      if (closed) return;
      closed = true;
      if (retryTimer !== undefined) clearTimer(retryTimer);
      if (idleTimer !== undefined) clearTimer(idleTimer);
      controller?.abort(new Error('closed'));
      setState({ status: 'closed' });
    },
  };
}
