/**
 * Gets envelope bytes to the sidecar without ever holding the app up: `enqueue` returns at once; the
 * first envelope triggers discovery (and maybe a lazy start) while later ones wait in a bounded queue;
 * when no sidecar can be reached, envelopes are dropped and counted during an exponential back-off.
 * Whatever is dropped is said once (one warning per cause for the life of the process), counted in
 * `stats()`, and reported to the sidecar as a client report once it answers.
 */
import { sidecarStreamUrl } from '../url.ts';
import { type Discard, type DiscardedEvents, DropLedger, type DropReason } from './drops.ts';

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
  /**
   * Envelopes (and events, when the SDK's processing queue was full) dropped without being sent: no room
   * left in a burst, or no sidecar reachable (back-off).
   */
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
  /** The envelope that tells the sidecar what was dropped (a client report); without it nothing is reported. */
  readonly clientReport?: (discarded: readonly DiscardedEvents[]) => Uint8Array | undefined;
  /** At most one warning per cause (no sidecar, no room) for the life of the delivery. */
  readonly warn: (line: string) => void;
  readonly debug?: (line: string) => void;
  readonly now?: () => number;
}

export interface Delivery {
  /** Queues an envelope; `discards` is what it counts for in a client report if it is dropped. */
  enqueue(envelope: Uint8Array, discards?: readonly Discard[]): void;
  /** Counts what was lost before it became an envelope (the SDK had no room to process it). */
  dropped(reason: DropReason, discards: readonly Discard[]): void;
  /** Resolves true once everything queued is sent (or dropped), false when `timeoutMs` passes first. */
  flush(timeoutMs?: number): Promise<boolean>;
  stats(): DeliveryStats;
  /** The sidecar's base URL once found. */
  url(): string | undefined;
  close(): void;
}

interface Entry {
  readonly bytes: Uint8Array;
  readonly discards: readonly Discard[];
  /** Set on the client report itself: what it carries goes back to the ledger if it cannot be sent. */
  readonly report?: readonly DiscardedEvents[];
}

const MAX_BACKOFF_MS = 60_000;

export function createDelivery(options: DeliveryOptions): Delivery {
  const now = options.now ?? Date.now;
  const debug = options.debug ?? (() => {});
  const counts = { sent: 0, dropped: 0, rejected: 0 };
  const ledger = new DropLedger();
  const queue: Entry[] = [];
  let queuedBytes = 0;
  let baseUrl: string | undefined;
  let pumping = false;
  let closed = false;
  let downUntil = 0;
  let downCount = 0;
  let downWarned = false;
  let overflowWarned = false;
  // Dropped for lack of room since the last look: said once, with the count, when the burst is over.
  let overflowed = 0;
  let settleScheduled = false;
  let idleWaiters: (() => void)[] = [];

  function drop(reason: DropReason, entry: Pick<Entry, 'discards' | 'report'>): void {
    if (entry.report) {
      // Kept for the next report, unless the sidecar refused this one (it would refuse it again).
      if (reason !== 'send_error') ledger.restore(entry.report);
      return;
    }
    if (reason === 'send_error') counts.rejected++;
    else counts.dropped++;
    if (reason === 'queue_overflow') overflowed++;
    ledger.record(reason, entry.discards);
  }

  function enqueue(envelope: Uint8Array, discards: readonly Discard[] = []): void {
    if (closed) return;
    if (now() < downUntil) {
      drop('network_error', { discards });
      return;
    }
    if (queue.length >= options.maxQueue || queuedBytes + envelope.byteLength > options.maxQueueBytes) {
      drop('queue_overflow', { discards });
      if (!pumping) scheduleSettle();
      return;
    }
    push({ bytes: envelope, discards });
  }

  function push(entry: Entry): void {
    queue.push(entry);
    queuedBytes += entry.bytes.byteLength;
    if (!pumping) void pump();
  }

  function take(): void {
    const first = queue.shift();
    if (first) queuedBytes -= first.bytes.byteLength;
  }

  function dropAll(reason: DropReason): void {
    for (const entry of queue) drop(reason, entry);
    queue.length = 0;
    queuedBytes = 0;
  }

  function goDown(reason: string): void {
    downCount++;
    downUntil = now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (downCount - 1));
    baseUrl = undefined;
    dropAll('network_error');
    if (!downWarned) {
      downWarned = true;
      options.warn(`no Spotlight sidecar reachable (${reason}); dropping envelopes while it is down`);
    } else {
      debug(`sidecar still unreachable (${reason})`);
    }
  }

  function scheduleSettle(): void {
    if (settleScheduled) return;
    settleScheduled = true;
    setImmediate(() => {
      settleScheduled = false;
      if (!pumping && queue.length === 0) settle();
    });
  }

  /** The queue is empty: say what a burst dropped, and tell the sidecar (which then has work again). */
  function settle(): boolean {
    if (overflowed > 0) {
      const line = `dropped ${overflowed} envelope${overflowed === 1 ? '' : 's'} in a burst: more than ${options.maxQueue} envelopes or ${mebibytes(options.maxQueueBytes)} were waiting (raise maxQueue / maxQueueBytes); counted in stats() and in Spotlight's SDKs view`;
      overflowed = 0;
      if (!overflowWarned) {
        overflowWarned = true;
        options.warn(line);
      } else {
        debug(line);
      }
    }
    if (closed || !ledger.pending || !options.clientReport || now() < downUntil) return false;
    const report = ledger.take();
    const bytes = options.clientReport(report);
    if (!bytes) return false;
    push({ bytes, discards: [], report });
    return true;
  }

  async function pump(): Promise<void> {
    pumping = true;
    // Connection failures since the last success: one rediscovery is allowed (the sidecar may have
    // exited after its idle period, and a new one can be started), then back off.
    let failures = 0;
    try {
      while (queue.length > 0 && !closed) {
        if (now() < downUntil) {
          dropAll('network_error');
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
        const entry = queue[0];
        if (!entry) break;
        try {
          await withTimeout(options.send(entry.bytes, sidecarStreamUrl(baseUrl)), options.sendTimeoutMs);
          take();
          if (!entry.report) counts.sent++;
          failures = 0;
          downCount = 0;
        } catch (error) {
          if (error instanceof SendError && error.status !== undefined) {
            take();
            drop('send_error', entry);
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
      if (queue.length === 0 && !closed && settle()) {
        // settle() queued a client report and started the pump again.
      } else if (queue.length === 0 || closed) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      } else if (!pumping) {
        void pump();
      }
    }
  }

  return {
    enqueue,
    dropped(reason, discards) {
      drop(reason, { discards });
      if (!pumping) scheduleSettle();
    },
    stats: () => ({ ...counts, queued: queue.filter((entry) => !entry.report).length }),
    url: () => baseUrl,
    close() {
      closed = true;
      dropAll('network_error');
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

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
