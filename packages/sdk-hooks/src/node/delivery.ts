/**
 * Gets envelope bytes to the sidecar without ever holding the app up: `enqueue` returns at once; the
 * first envelope triggers discovery (and maybe a lazy start) while later ones wait in a bounded queue;
 * when no sidecar can be reached, envelopes are dropped and counted during an exponential back-off,
 * with one warning for the life of the process.
 */
import { sidecarStreamUrl } from '../url.ts';

/** Sends one envelope to the sidecar's `/stream` URL; resolves when it accepted it (2xx). */
export type Sender = (envelope: Uint8Array, url: string) => Promise<void>;

/** A sender's failure: `status` when the sidecar answered and refused, otherwise it could not be reached. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface DeliveryStats {
  /** Envelopes the sidecar accepted. */
  readonly sent: number;
  /** Envelopes dropped without trying: queue full, or no sidecar reachable (back-off). */
  readonly dropped: number;
  /** Envelopes the sidecar refused (a 4xx: too large, malformed). */
  readonly rejected: number;
  /** Envelopes waiting now. */
  readonly queued: number;
}

export interface DeliveryOptions {
  /** Finds (or starts) the sidecar; resolves with its base URL. */
  readonly connect: () => Promise<string>;
  readonly send: Sender;
  readonly maxQueue: number;
  readonly maxQueueBytes: number;
  /** Time limit of one send. */
  readonly sendTimeoutMs: number;
  /** Called once per successful discovery. */
  readonly onConnected?: (baseUrl: string) => void;
  /** At most one warning for the life of the delivery. */
  readonly warn: (line: string) => void;
  readonly debug?: (line: string) => void;
  readonly now?: () => number;
}

export interface Delivery {
  enqueue(envelope: Uint8Array): void;
  /** Resolves true once everything queued is sent (or dropped), false when `timeoutMs` passes first. */
  flush(timeoutMs?: number): Promise<boolean>;
  stats(): DeliveryStats;
  /** The sidecar's base URL once found. */
  url(): string | undefined;
  close(): void;
}

const MAX_BACKOFF_MS = 60_000;

export function createDelivery(options: DeliveryOptions): Delivery {
  const now = options.now ?? Date.now;
  const debug = options.debug ?? (() => {});
  const counts = { sent: 0, dropped: 0, rejected: 0 };
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let baseUrl: string | undefined;
  let pumping = false;
  let closed = false;
  let downUntil = 0;
  let downCount = 0;
  let warned = false;
  let idleWaiters: (() => void)[] = [];

  function enqueue(envelope: Uint8Array): void {
    if (closed || now() < downUntil || queue.length >= options.maxQueue || queuedBytes + envelope.byteLength > options.maxQueueBytes) {
      counts.dropped++;
      return;
    }
    queue.push(envelope);
    queuedBytes += envelope.byteLength;
    if (!pumping) void pump();
  }

  function take(): void {
    const first = queue.shift();
    if (first) queuedBytes -= first.byteLength;
  }

  function dropAll(): void {
    counts.dropped += queue.length;
    queue.length = 0;
    queuedBytes = 0;
  }

  function goDown(reason: string): void {
    downCount++;
    downUntil = now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (downCount - 1));
    baseUrl = undefined;
    dropAll();
    if (!warned) {
      warned = true;
      options.warn(`no Spotlight sidecar reachable (${reason}); dropping envelopes while it is down`);
    } else {
      debug(`sidecar still unreachable (${reason})`);
    }
  }

  async function pump(): Promise<void> {
    pumping = true;
    // Connection failures since the last success: one rediscovery is allowed (the sidecar may have
    // exited after its idle period, and a new one can be started), then back off.
    let failures = 0;
    try {
      while (queue.length > 0 && !closed) {
        if (now() < downUntil) {
          dropAll();
          break;
        }
        if (!baseUrl) {
          try {
            baseUrl = await options.connect();
            options.onConnected?.(baseUrl);
          } catch (error) {
            goDown(error instanceof Error ? error.message : String(error));
            break;
          }
        }
        const envelope = queue[0];
        if (!envelope) break;
        try {
          await withTimeout(options.send(envelope, sidecarStreamUrl(baseUrl)), options.sendTimeoutMs);
          take();
          counts.sent++;
          failures = 0;
          downCount = 0;
        } catch (error) {
          if (error instanceof SendError && error.status !== undefined) {
            take();
            counts.rejected++;
            debug(`sidecar refused an envelope: ${error.message}`);
            continue;
          }
          failures++;
          const reason = error instanceof Error ? error.message : String(error);
          if (failures >= 2) {
            goDown(reason);
            break;
          }
          debug(`lost the sidecar at ${baseUrl} (${reason}); looking again`);
          baseUrl = undefined;
        }
      }
    } finally {
      pumping = false;
      if (queue.length === 0 || closed) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      } else if (!closed) {
        void pump();
      }
    }
  }

  return {
    enqueue,
    stats: () => ({ ...counts, queued: queue.length }),
    url: () => baseUrl,
    close() {
      closed = true;
      dropAll();
    },
    flush(timeoutMs?: number): Promise<boolean> {
      if (!pumping && queue.length === 0) return Promise.resolve(true);
      const idle = new Promise<boolean>((resolve) => idleWaiters.push(() => resolve(true)));
      if (!timeoutMs) return idle;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      return Promise.race([idle, late]).finally(() => clearTimeout(timer));
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
