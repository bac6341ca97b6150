/**
 * From SDK 10 on, a client processes at most `transportOptions.bufferSize` (default 64) events at once:
 * in a burst of synchronous captures the 65th event and every later one is dropped before any hook sees
 * it, and counted only in the SDK's own client outcomes, which without a DSN go nowhere. That bound is
 * about requests to Sentry; the local copy must not inherit it. The client's processing buffer is
 * replaced by one bounded like Spotlight's delivery queue, whose overflow is counted and said. The
 * upstream copy still goes through the SDK's transport and its own limit of 64 requests in flight.
 */

/** What the SDK rejects a full buffer's task with (`SENTRY_BUFFER_FULL_ERROR`, a registered symbol). */
const BUFFER_FULL = Symbol.for('SentryBufferFullError');

/** `makePromiseBuffer()`'s shape in @sentry/core 10 and 11. */
interface PromiseBufferLike {
  readonly $: PromiseLike<unknown>[];
  add(taskProducer: () => PromiseLike<unknown>): PromiseLike<unknown>;
  drain(timeout?: number): PromiseLike<boolean>;
}

interface ClientInternals {
  _promiseBuffer?: unknown;
  recordDroppedEvent?: (reason: string, category: string, count?: number) => void;
}

function isPromiseBuffer(value: unknown): value is PromiseBufferLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PromiseBufferLike).add === 'function' &&
    typeof (value as PromiseBufferLike).drain === 'function'
  );
}

/**
 * Gives the client a processing buffer of `limit` tasks; `onDrop` gets the data category of each event
 * it turns away. False when the client has no such buffer (SDK 8 and 9 process without a bound).
 */
export function widenProcessingBuffer(client: object, limit: number, onDrop: (category: string) => void): boolean {
  const internals = client as ClientInternals;
  if (!isPromiseBuffer(internals._promiseBuffer)) return false;
  const tasks = new Set<PromiseLike<unknown>>();
  // Turned away, waiting for the client to name their category (it records the drop right after).
  let unnamed = 0;
  const record = internals.recordDroppedEvent;
  if (typeof record === 'function') {
    internals.recordDroppedEvent = function recordDroppedEvent(this: unknown, reason, category, count) {
      if (reason === 'queue_overflow' && unnamed > 0) {
        unnamed--;
        onDrop(String(category));
      }
      return record.call(this, reason, category, count);
    };
  }
  const buffer: PromiseBufferLike = {
    get $() {
      return [...tasks];
    },
    add(taskProducer) {
      if (tasks.size >= limit) {
        if (typeof record === 'function') unnamed++;
        else onDrop('default');
        return Promise.reject(BUFFER_FULL);
      }
      const task = taskProducer();
      tasks.add(task);
      const remove = () => {
        tasks.delete(task);
      };
      task.then(remove, remove);
      return task;
    },
    drain(timeout) {
      const settled = Promise.allSettled([...tasks]).then(() => true);
      if (!timeout) return settled;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeout);
        timer.unref?.();
      });
      return Promise.race([settled, late]).finally(() => clearTimeout(timer));
    },
  };
  internals._promiseBuffer = buffer;
  return true;
}
