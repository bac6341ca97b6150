/**
 * A map whose earlier versions stay readable as they were, for the lookups a derivation publishes (a trace
 * index's maps by trace id): copying a map of 10,000 traces for every version costs several ms (see
 * bench/README.md), where this costs each change one entry in an undo log.
 *
 * `snapshot()` gives a read-only view of the map as it is; changes made afterwards first record the value they
 * replace in the newest view's undo log. A view reads a key from the first log (its own, then newer views')
 * that has it, else from the live map: the newest view does so in one step. Views link only to newer ones,
 * so an old view and its log go once nothing holds it.
 */
export interface VersionedMap<K, V> {
  get(key: K): V | undefined;
  has(key: K): boolean;
  set(key: K, value: V): void;
  delete(key: K): void;
  keys(): IterableIterator<K>;
  /** The map as it is now; it does not change afterwards. */
  snapshot(): ReadonlyMap<K, V>;
}

const ABSENT: unique symbol = Symbol('absent');

interface View<K, V> {
  readonly undo: Map<K, V | typeof ABSENT>;
  next: View<K, V> | undefined;
}

/**
 * A view, as a `Map` (so that it is one to every reader, equality checks included) that answers from the
 * chain of logs and the live map; changing it throws.
 */
class MapView<K, V> extends Map<K, V> {
  readonly #view: View<K, V>;
  readonly #live: Map<K, V>;
  #whole: Map<K, V> | undefined;

  constructor(view: View<K, V>, live: Map<K, V>) {
    super();
    this.#view = view;
    this.#live = live;
  }

  #lookup(key: K): V | typeof ABSENT {
    for (let v: View<K, V> | undefined = this.#view; v !== undefined; v = v.next) {
      if (v.undo.has(key)) return v.undo.get(key) as V | typeof ABSENT;
    }
    return this.#live.has(key) ? (this.#live.get(key) as V) : ABSENT;
  }

  /** The whole map as this view sees it, built when first iterated (rare: tests, debugging). It never changes. */
  #all(): Map<K, V> {
    if (this.#whole !== undefined) return this.#whole;
    const chain: View<K, V>[] = [];
    for (let v: View<K, V> | undefined = this.#view; v !== undefined; v = v.next) chain.push(v);
    const out = new Map(this.#live);
    // Newest first: each older log puts back what the newer changes replaced.
    for (const v of chain.reverse()) {
      for (const [key, value] of v.undo) {
        if (value === ABSENT) out.delete(key);
        else out.set(key, value);
      }
    }
    this.#whole = out;
    return out;
  }

  override get(key: K): V | undefined {
    const value = this.#lookup(key);
    return value === ABSENT ? undefined : value;
  }

  override has(key: K): boolean {
    return this.#lookup(key) !== ABSENT;
  }

  override get size(): number {
    return this.#all().size;
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#all()) callback.call(thisArg, value, key, this);
  }

  override entries(): MapIterator<[K, V]> {
    return this.#all().entries();
  }

  override keys(): MapIterator<K> {
    return this.#all().keys();
  }

  override values(): MapIterator<V> {
    return this.#all().values();
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#all().entries();
  }

  override set(): this {
    throw new Error('a published map does not change');
  }

  override delete(): boolean {
    throw new Error('a published map does not change');
  }

  override clear(): void {
    throw new Error('a published map does not change');
  }
}

export function createVersionedMap<K, V>(): VersionedMap<K, V> {
  const live = new Map<K, V>();
  let head: View<K, V> | undefined;
  let headMap: ReadonlyMap<K, V> | undefined;

  function record(key: K): void {
    if (head !== undefined && !head.undo.has(key)) head.undo.set(key, live.has(key) ? (live.get(key) as V) : ABSENT);
  }

  return {
    get: (key) => live.get(key),
    has: (key) => live.has(key),
    set(key, value) {
      record(key);
      live.set(key, value);
    },
    delete(key) {
      if (!live.has(key)) return;
      record(key);
      live.delete(key);
    },
    keys: () => live.keys(),
    snapshot() {
      if (head !== undefined && headMap !== undefined && head.undo.size === 0) return headMap;
      const view: View<K, V> = { undo: new Map(), next: undefined };
      if (head !== undefined) head.next = view;
      head = view;
      headMap = new MapView(view, live);
      return headMap;
    },
  };
}
