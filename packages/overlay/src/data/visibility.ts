import type { Derivation, DeriveContext } from './derive.ts';
import type { StoredEnvelope } from './store.ts';

/**
 * What a session selection shows (see sessions.ts for how one is made): traces, envelopes, rows. Its
 * answers are read from the store's current sessions, so a visibility stays right as envelopes arrive.
 */
export interface Visibility {
  /** "All sessions": everything. */
  readonly all: boolean;
  /**
   * Equal for two visibilities that show the same envelopes among those already stored (newer ones are
   * judged as they arrive): a derivation filtered by one can follow the other without starting over.
   */
  readonly stamp: string;
  hasTrace(traceId: string): boolean;
  hasEnvelope(envelopeId: string): boolean;
  /** The envelopes it shows among `ctx.envelopes`, oldest first, read from the sessions (not by testing each). */
  entries(ctx: DeriveContext): readonly StoredEnvelope[];
  /** What it shows, spelled out; built when first read (O(session)): for tests and small selections. */
  readonly traceIds: ReadonlySet<string>;
  readonly envelopeIds: ReadonlySet<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

export const ALL_VISIBLE: Visibility = {
  all: true,
  stamp: 'all',
  hasTrace: () => true,
  hasEnvelope: () => true,
  entries: (ctx) => ctx.envelopes,
  traceIds: NOTHING,
  envelopeIds: NOTHING,
};

export function isTraceVisible(v: Visibility, traceId: string): boolean {
  return v.all || v.hasTrace(traceId);
}

export function isEnvelopeVisible(v: Visibility, envelopeId: string): boolean {
  return v.all || v.hasEnvelope(envelopeId);
}

/** A log line or error is visible with its trace, or (without trace) with its envelope. */
export function isRowVisible(v: Visibility, row: { readonly traceId?: string; readonly envelopeId: string }): boolean {
  if (v.all) return true;
  return row.traceId !== undefined ? v.hasTrace(row.traceId) : v.hasEnvelope(row.envelopeId);
}

export interface VisibleState<S> {
  readonly stamp: string;
  /** Undefined for "all sessions": the unfiltered derivation is read instead. */
  readonly inner: S | undefined;
  readonly visibility: Visibility;
  /** Envelopes folded into `inner`, to take the same ones out when they are dropped. */
  readonly included: Set<StoredEnvelope>;
}

/**
 * A derivation over what a selection shows: the envelopes it shows are folded in as they arrive (and taken
 * out as they are dropped), so the list of the current session stays incremental too. The inner derivation
 * gets the visibility as its parameter (e.g. logs keep only the lines of visible traces). When the selection
 * changes what it shows of the stored envelopes (another session, a pin, sessions regrouped), it starts
 * over from the sessions' own lists. For "all sessions" it is the unfiltered derivation itself.
 */
export function visibleOnly<S, R>(inner: Derivation<S, R, Visibility | undefined>): Derivation<VisibleState<S>, R, Visibility> {
  return {
    name: `visible ${inner.name}`,
    create: (ctx, visibility) => ({
      stamp: visibility.stamp,
      inner: visibility.all ? undefined : inner.create(ctx, visibility),
      visibility,
      included: new Set(),
    }),
    keeps: (state, visibility) => state.stamp === visibility.stamp,
    fill(state, ctx) {
      if (state.inner === undefined) return;
      for (const entry of state.visibility.entries(ctx)) {
        state.included.add(entry);
        inner.add(state.inner, entry, ctx);
      }
    },
    add(state, entry, ctx) {
      if (state.inner === undefined || !state.visibility.hasEnvelope(entry.id)) return;
      state.included.add(entry);
      inner.add(state.inner, entry, ctx);
    },
    // Without its own `remove`, a drop starts the inner derivation over (see derive.ts).
    ...(inner.remove !== undefined && {
      remove(state: VisibleState<S>, entry: StoredEnvelope, ctx: DeriveContext) {
        if (state.inner !== undefined && state.included.delete(entry)) inner.remove?.(state.inner, entry, ctx);
      },
    }),
    result: (state, visibility, ctx) =>
      state.inner === undefined ? ctx.read(inner, undefined) : inner.result(state.inner, visibility, ctx),
  };
}

interface ListState {
  readonly filtered: boolean;
  list: StoredEnvelope[];
  start: number;
  out: readonly StoredEnvelope[] | undefined;
}

/**
 * The envelopes themselves, oldest first: the store's own array, or with `visibleOnly` those a selection
 * shows (e.g. to export what is on screen).
 */
export const envelopeList: Derivation<ListState, readonly StoredEnvelope[], Visibility | undefined> = {
  name: 'envelopes',
  create: (_ctx, visibility) => ({ filtered: visibility !== undefined, list: [], start: 0, out: [] }),
  add(state, entry) {
    if (!state.filtered) return;
    state.list.push(entry);
    state.out = undefined;
  },
  remove(state, entry) {
    if (!state.filtered || state.list[state.start] !== entry) return;
    state.start += 1;
    if (state.start * 2 > state.list.length) {
      state.list = state.list.slice(state.start);
      state.start = 0;
    }
    state.out = undefined;
  },
  result(state, _visibility, ctx) {
    if (!state.filtered) return ctx.envelopes;
    state.out ??= state.list.slice(state.start);
    return state.out;
  },
};

/** The envelopes a selection shows. */
export const visibleEnvelopes = visibleOnly(envelopeList);
