import { createPathMemo, type PathReader } from './paths.ts';
import type { StoredEnvelope } from './store.ts';

/**
 * How the overlay derives what it shows (issues, traces, sessions, logs, SDKs...) from the stored envelopes,
 * with every cache owned by one deriver (one per store: see store.ts; or one per selector in tests).
 *
 * - An **envelope reader** derives what one envelope holds on its own (its error events, spans, log lines,
 *   SDK). Stored envelopes never change, so `ctx.of(reader, entry)` computes it once per deriver.
 * - A **derivation** folds envelopes into a state, one at a time (`add`), takes the oldest out again when
 *   the store drops them (`remove`), and gives its result (`result`, called on every read: keep the last
 *   one while nothing changed). Reading it with the store's next array only folds in what changed since the
 *   last read: the envelopes appended, and those dropped from the front. So a replay of N envelopes costs
 *   O(N) folds in all, not O(N) per render. Anything else (a cleared store, a derivation that cannot
 *   `remove`) builds a fresh state from every envelope.
 *
 * A derivation may read another one (`ctx.read`, e.g. sessions read traces) and take a parameter (e.g. the
 * page whose session is current); `keeps` says whether its state can follow a new parameter or must be built
 * afresh (with `fill`, when it can do better than adding every envelope).
 */

/**
 * What one stored envelope holds on its own; computed once per deriver (see `DeriveContext.of`). Without a
 * context (a test, one envelope on screen) it reads afresh.
 */
export type EnvelopeReader<R> = (entry: StoredEnvelope, ctx?: DeriveContext) => R;

/** A reader's result through the context's cache when there is one, else read afresh. */
export function readEnvelope<R>(ctx: DeriveContext | undefined, reader: EnvelopeReader<R>, entry: StoredEnvelope): R {
  return ctx !== undefined ? ctx.of(reader, entry) : reader(entry);
}

export interface DeriveContext {
  /** An envelope reader's result for this envelope, computed once. A throw is not remembered. */
  of<R>(reader: EnvelopeReader<R>, entry: StoredEnvelope): R;
  /** Another derivation over the same envelopes. */
  read<S, R, P>(derivation: Derivation<S, R, P>, param: P): R;
  /** The envelopes being read, oldest first. */
  readonly envelopes: readonly StoredEnvelope[];
  /** Arrival order of an envelope (increasing; never reused, not even after a clear). */
  seqOf(entry: StoredEnvelope): number;
  /** App roots and shortened paths, remembered (stack frames repeat across thousands of events). */
  readonly paths: PathReader;
}

export interface Derivation<S, R, P = undefined> {
  /** For stack traces and profiles. */
  readonly name: string;
  create(ctx: DeriveContext, param: P): S;
  /** Folds in an envelope that arrived after every one folded in so far. */
  add(state: S, entry: StoredEnvelope, ctx: DeriveContext): void;
  /** Takes out the oldest envelope folded in (the store dropped it). Without it, a drop builds a new state. */
  remove?(state: S, entry: StoredEnvelope, ctx: DeriveContext): void;
  /** Whether the state can follow this parameter (it may take it in); false builds a new state. Default: yes. */
  keeps?(state: S, param: P, ctx: DeriveContext): boolean;
  /** Fills a new state from `ctx.envelopes`; default: `add` each of them. */
  fill?(state: S, ctx: DeriveContext): void;
  /** The result for the envelopes folded in; called on every read. */
  result(state: S, param: P, ctx: DeriveContext): R;
}

/** Owns the caches of derived data for one store: envelope readings, derivation states, path memos. */
export interface Deriver {
  /** A derivation's result for these envelopes (each array the previous minus its oldest plus newer ones). */
  read<S, R, P>(derivation: Derivation<S, R, P>, envelopes: readonly StoredEnvelope[], param: P): R;
  /**
   * Brings the derivations readers read in this or the previous round (see `nextRound`) up to these
   * envelopes, with the parameter each was last read with: readers that ask next get what is already
   * derived. A throw is left for them to meet.
   */
  refresh(envelopes: readonly StoredEnvelope[]): void;
  /** A new round of reading starts (the store tells its subscribers): what they stop reading is let go. */
  nextRound(): void;
  of<R>(reader: EnvelopeReader<R>, entry: StoredEnvelope): R;
  seqOf(entry: StoredEnvelope): number;
}

export interface EnvelopeChange {
  /** How many of the previous array's oldest envelopes are gone. */
  readonly dropped: number;
  /** The index in the next array of its first new envelope. */
  readonly from: number;
}

/**
 * How `next` continues `previous`, when it is `previous` minus some of its oldest plus newer envelopes (what
 * a store's snapshots are); undefined otherwise (a clear, a replaced store: derivations start over). Only
 * the ends are compared: stored envelopes are unique objects and the store never reorders them.
 */
export function envelopeChange(previous: readonly StoredEnvelope[], next: readonly StoredEnvelope[]): EnvelopeChange | undefined {
  if (previous === next) return { dropped: 0, from: next.length };
  if (previous.length === 0) return { dropped: 0, from: 0 };
  const first = next[0];
  if (first === undefined) return undefined;
  const dropped = previous[0] === first ? 0 : previous.indexOf(first);
  if (dropped < 0) return undefined;
  const kept = previous.length - dropped;
  if (kept > next.length || next[kept - 1] !== previous[previous.length - 1]) return undefined;
  return { dropped, from: kept };
}

interface Instance {
  state: unknown;
  input: readonly StoredEnvelope[];
  readonly derivation: Derivation<unknown, unknown, unknown>;
  /** The parameter of the last read, and the round in which a reader last asked (-1: none yet). */
  param: unknown;
  round: number;
}

export function createDeriver(): Deriver {
  const readings = new Map<EnvelopeReader<unknown>, WeakMap<StoredEnvelope, unknown>>();
  const instances = new Map<object, Instance>();
  const seqs = new WeakMap<StoredEnvelope, number>();
  let nextSeq = 0;
  let numbered: readonly StoredEnvelope[] = [];
  let current: readonly StoredEnvelope[] = [];
  let round = 0;

  function seqOf(entry: StoredEnvelope): number {
    let seq = seqs.get(entry);
    if (seq === undefined) {
      seq = nextSeq++;
      seqs.set(entry, seq);
    }
    return seq;
  }

  // Envelopes are numbered in the order the arrays show them, the first time an array is read.
  function number(envelopes: readonly StoredEnvelope[]): void {
    if (envelopes === numbered) return;
    const change = envelopeChange(numbered, envelopes);
    for (let i = change?.from ?? 0; i < envelopes.length; i++) seqOf(envelopes[i] as StoredEnvelope);
    numbered = envelopes;
  }

  function of<R>(reader: EnvelopeReader<R>, entry: StoredEnvelope): R {
    let cache = readings.get(reader as EnvelopeReader<unknown>);
    if (cache === undefined) {
      cache = new WeakMap();
      readings.set(reader as EnvelopeReader<unknown>, cache);
    }
    if (cache.has(entry)) return cache.get(entry) as R;
    const value = reader(entry, ctx);
    cache.set(entry, value);
    return value;
  }

  function build<S, R, P>(derivation: Derivation<S, R, P>, envelopes: readonly StoredEnvelope[], param: P): Instance {
    const state = derivation.create(ctx, param);
    if (derivation.fill !== undefined) derivation.fill(state, ctx);
    else for (const entry of envelopes) derivation.add(state, entry, ctx);
    const instance: Instance = {
      state,
      input: envelopes,
      derivation: derivation as Derivation<unknown, unknown, unknown>,
      param,
      round: -1,
    };
    instances.set(derivation, instance);
    return instance;
  }

  /** `wanted`: a reader asked (not a derivation reading another, nor a refresh). */
  function read<S, R, P>(derivation: Derivation<S, R, P>, envelopes: readonly StoredEnvelope[], param: P, wanted = true): R {
    const outer = current;
    current = envelopes;
    number(envelopes);
    try {
      let instance = instances.get(derivation);
      if (instance === undefined || (derivation.keeps !== undefined && !derivation.keeps(instance.state as S, param, ctx))) {
        instance = build(derivation, envelopes, param);
      } else if (instance.input !== envelopes) {
        const change = envelopeChange(instance.input, envelopes);
        if (change === undefined || (change.dropped > 0 && derivation.remove === undefined)) {
          instance = build(derivation, envelopes, param);
        } else {
          const state = instance.state as S;
          for (let i = 0; i < change.dropped; i++) derivation.remove?.(state, instance.input[i] as StoredEnvelope, ctx);
          for (let i = change.from; i < envelopes.length; i++) derivation.add(state, envelopes[i] as StoredEnvelope, ctx);
          instance.input = envelopes;
        }
      }
      instance.param = param;
      if (wanted) instance.round = round;
      return derivation.result(instance.state as S, param, ctx);
    } finally {
      current = outer;
    }
  }

  function refresh(envelopes: readonly StoredEnvelope[]): void {
    // In the order they were first read: a derivation others read (sessions, traces) comes first.
    for (const instance of instances.values()) {
      if (instance.round < round - 1) continue;
      try {
        read(instance.derivation, envelopes, instance.param, false);
      } catch {
        // The reader that asks next meets it.
      }
    }
  }

  const ctx: DeriveContext = {
    of,
    read: (derivation, param) => read(derivation, current, param, false),
    get envelopes() {
      return current;
    },
    seqOf,
    paths: createPathMemo(),
  };

  return {
    read: (derivation, envelopes, param) => read(derivation, envelopes, param),
    refresh,
    nextRound: () => {
      round += 1;
    },
    of,
    seqOf,
  };
}

/**
 * A derivation as a function of envelope arrays, with its own deriver: for tests and one-off callers (the
 * store is the usual owner, see store.ts). Successive arrays must each be the previous one minus some of its
 * oldest plus newer envelopes, as a store's snapshots are; anything else is read afresh.
 */
export function createSelector<S, R, P>(
  derivation: Derivation<S, R, P>,
): (envelopes: readonly StoredEnvelope[], ...param: undefined extends P ? [param?: P] : [param: P]) => R {
  const deriver = createDeriver();
  return (envelopes, ...param) => deriver.read(derivation, envelopes, param[0] as P);
}
