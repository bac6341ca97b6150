/**
 * A FIFO buffer bounded by entry count, total size and age, whichever is reached first; the oldest
 * entries go first. Entries carry a unique string key (for lookups and "everything after this key")
 * and get a sequence number that only grows, even across `clear()`, so a reader can hold a cursor.
 *
 * Insertion is O(1) amortized: entries live in an array whose consumed front is cut off in bulk,
 * and a key index answers lookups in O(1).
 */

export interface RingBufferLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Milliseconds an entry is kept. */
  readonly maxAgeMs: number;
}

export interface RingBufferOptions<T> extends RingBufferLimits {
  readonly key: (value: T) => string;
  readonly size: (value: T) => number;
  /** Clock in milliseconds; injectable for tests. */
  readonly now?: () => number;
}

interface Slot<T> {
  readonly value: T;
  readonly key: string;
  readonly size: number;
  readonly at: number;
}

/** Cut the consumed front off the array once it is this long and at least half the array. */
const COMPACT_AFTER = 1024;

export class RingBuffer<T> {
  private slots: (Slot<T> | undefined)[] = [];
  private head = 0;
  /** Sequence number of slots[0]. */
  private base = 0;
  private bytes = 0;
  private readonly index = new Map<string, number>();
  protected readonly now: () => number;

  constructor(private readonly options: RingBufferOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  /** Number of entries held (after dropping expired ones). */
  get size(): number {
    this.expire();
    return this.slots.length - this.head;
  }

  /** Total size of the entries held. */
  get byteSize(): number {
    this.expire();
    return this.bytes;
  }

  /** Sequence number the next entry will get; a cursor equal to it has seen everything. */
  get endSeq(): number {
    return this.base + this.slots.length;
  }

  /** Sequence number of the oldest entry held. */
  get startSeq(): number {
    this.expire();
    return this.base + this.head;
  }

  /**
   * Adds an entry and evicts what the limits require, oldest first. Returns its sequence number.
   * An entry bigger than maxBytes on its own is still kept (alone), so that a viewer can see it.
   */
  push(value: T): number {
    const key = this.options.key(value);
    const size = this.options.size(value);
    const seq = this.base + this.slots.length;
    this.slots.push({ value, key, size, at: this.now() });
    this.index.set(key, seq);
    this.bytes += size;
    const { maxEntries, maxBytes } = this.options;
    while (this.slots.length - this.head > 1 && (this.slots.length - this.head > maxEntries || this.bytes > maxBytes)) this.evictOldest();
    this.expire();
    return seq;
  }

  /** The entry with this key, if still held. */
  get(key: string): T | undefined {
    this.expire();
    const seq = this.index.get(key);
    return seq === undefined ? undefined : this.slots[seq - this.base]?.value;
  }

  /** Sequence number of the entry with this key, if still held. */
  seqOf(key: string): number | undefined {
    this.expire();
    return this.index.get(key);
  }

  /** The entry at this sequence number, if still held. */
  at(seq: number): T | undefined {
    const i = seq - this.base;
    return i >= this.head ? this.slots[i]?.value : undefined;
  }

  /**
   * Entries strictly after the one with `key`, oldest first; every entry when the key is unknown
   * (evicted, from another run, or undefined).
   */
  *after(key: string | undefined): IterableIterator<T> {
    const seq = key === undefined ? undefined : this.seqOf(key);
    yield* this.from(seq === undefined ? 0 : seq + 1);
  }

  /** Entries from sequence number `seq` on (or from the oldest held, if that is later). */
  *from(seq: number): IterableIterator<T> {
    this.expire();
    for (let s = Math.max(seq, this.base + this.head); s < this.endSeq; s++) {
      const slot = this.slots[s - this.base];
      if (slot) yield slot.value;
    }
  }

  /** Drops every entry; sequence numbers keep growing. */
  clear(): void {
    this.base += this.slots.length;
    this.slots = [];
    this.head = 0;
    this.bytes = 0;
    this.index.clear();
  }

  /** Drops entries older than maxAgeMs. Called by every read, so no timer is needed. */
  expire(): void {
    const oldest = this.now() - this.options.maxAgeMs;
    while (this.head < this.slots.length && (this.slots[this.head]?.at ?? oldest) < oldest) this.evictOldest();
  }

  private evictOldest(): void {
    const slot = this.slots[this.head];
    if (!slot) return;
    this.slots[this.head] = undefined;
    this.head++;
    this.bytes -= slot.size;
    if (this.index.get(slot.key) === this.base + this.head - 1) this.index.delete(slot.key);
    if (this.head === this.slots.length) {
      this.base += this.slots.length;
      this.slots = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}
