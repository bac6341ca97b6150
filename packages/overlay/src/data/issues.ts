import type { Derivation } from './derive.ts';
import { byEventTime, byLastSeen, type ErrorEventRecord, errorEventsOf, type Issue, makeIssue, servicesOf } from './grouping.ts';
import type { Service } from './sdksService.ts';
import { insertSorted, newestFirst, removeSorted } from './sortedList.ts';
import { visibleOnly } from './visibility.ts';

interface IssueGroup {
  readonly id: string;
  /** Oldest first; replaced (not changed) once an issue object holds it. */
  events: ErrorEventRecord[];
  /** How many of the events each service sent. */
  readonly serviceCounts: Map<string, number>;
  services: readonly Service[];
  servicesStale: boolean;
  issue: Issue | undefined;
}

interface IssuesState {
  readonly groups: Map<string, IssueGroup>;
  /** The published order reversed (least recently seen first), kept sorted as issues change. */
  readonly sorted: Issue[];
  /** Groups changed since the last result. */
  readonly touched: Set<IssueGroup>;
  out: readonly Issue[] | undefined;
}

function touch(state: IssuesState, group: IssueGroup): void {
  if (state.touched.has(group)) return;
  state.touched.add(group);
  // The published issue holds the old array.
  group.events = group.events.slice();
}

/**
 * Error events grouped into issues, most recently seen first (what `groupIssues` gives, kept up to date):
 * an envelope that arrives or is dropped changes only the issues of its events, and each changed issue is
 * a new object while the others stay the same (rows memoized on them do not re-render).
 */
export const issues: Derivation<IssuesState, readonly Issue[]> = {
  name: 'issues',
  create: () => ({ groups: new Map(), sorted: [], touched: new Set(), out: undefined }),
  add(state, entry, ctx) {
    for (const record of ctx.of(errorEventsOf, entry)) {
      let group = state.groups.get(record.issueId);
      if (group === undefined) {
        group = { id: record.issueId, events: [], serviceCounts: new Map(), services: [], servicesStale: false, issue: undefined };
        state.groups.set(record.issueId, group);
      }
      touch(state, group);
      // After the events of the same time, as a stable sort of the arrival order would put it.
      const at = insertSorted(group.events, record, byEventTime);
      const count = group.serviceCounts.get(record.service.key) ?? 0;
      group.serviceCounts.set(record.service.key, count + 1);
      if (count === 0 || at !== group.events.length - 1) group.servicesStale = true;
    }
    state.out = undefined;
  },
  remove(state, entry, ctx) {
    for (const record of ctx.of(errorEventsOf, entry)) {
      const group = state.groups.get(record.issueId);
      if (group === undefined) continue;
      touch(state, group);
      const at = group.events.indexOf(record);
      if (at >= 0) group.events.splice(at, 1);
      const count = (group.serviceCounts.get(record.service.key) ?? 1) - 1;
      if (count > 0) group.serviceCounts.set(record.service.key, count);
      else group.serviceCounts.delete(record.service.key);
      // The list holds the service of each one's first event: read again when that event goes.
      if (group.services.includes(record.service)) group.servicesStale = true;
    }
    state.out = undefined;
  },
  result(state) {
    if (state.out !== undefined && state.touched.size === 0) return state.out;
    for (const group of state.touched) {
      if (group.issue !== undefined) removeSorted(state.sorted, group.issue, byIssueOrderAsc);
      if (group.events.length === 0) {
        state.groups.delete(group.id);
        continue;
      }
      if (group.servicesStale) {
        group.services = servicesOf(group.events);
        group.servicesStale = false;
      }
      group.issue = makeIssue(group.id, group.events, group.services);
      insertSorted(state.sorted, group.issue, byIssueOrderAsc);
    }
    state.touched.clear();
    state.out = newestFirst(state.sorted);
    return state.out;
  },
};

/** The list's order reversed (it is kept oldest first, see sortedList.ts). */
function byIssueOrderAsc(a: Issue, b: Issue): number {
  return byLastSeen(b, a);
}

/** How many error events the envelopes hold. */
export const errorEventCount: Derivation<{ count: number }, number> = {
  name: 'errorEventCount',
  create: () => ({ count: 0 }),
  add(state, entry, ctx) {
    state.count += ctx.of(errorEventsOf, entry).length;
  },
  remove(state, entry, ctx) {
    state.count -= ctx.of(errorEventsOf, entry).length;
  },
  result: (state) => state.count,
};

/** Error events by arrival: how many came after a given envelope (the trigger's badge counts unseen ones). */
export interface ErrorArrivals {
  readonly total: number;
  /** Error events in envelopes that arrived after the one of arrival number `seq` (see `Store.seqOf`). */
  since(seq: number): number;
}

interface ArrivalState {
  /**
   * Arrival numbers of the envelopes with errors, and the running count of errors up to each. Only appended
   * to, from `start` on: a result reads its range of them while later envelopes are appended.
   */
  seqs: number[];
  totals: number[];
  /** Index of the first envelope still held; the dropped ones before it go when they are half the arrays. */
  start: number;
  /** Errors counted before `start`. */
  base: number;
  out: ErrorArrivals | undefined;
}

export const errorArrivals: Derivation<ArrivalState, ErrorArrivals> = {
  name: 'errorArrivals',
  create: () => ({ seqs: [], totals: [], start: 0, base: 0, out: undefined }),
  add(state, entry, ctx) {
    const count = ctx.of(errorEventsOf, entry).length;
    if (count === 0) return;
    const before = state.totals[state.totals.length - 1] ?? state.base;
    state.seqs.push(ctx.seqOf(entry));
    state.totals.push(before + count);
    state.out = undefined;
  },
  remove(state, entry, ctx) {
    if (ctx.of(errorEventsOf, entry).length === 0 || state.seqs[state.start] !== ctx.seqOf(entry)) return;
    state.base = state.totals[state.start] as number;
    state.start += 1;
    if (state.start * 2 > state.seqs.length) {
      // New arrays: results handed out keep reading the old ones.
      state.seqs = state.seqs.slice(state.start);
      state.totals = state.totals.slice(state.start);
      state.start = 0;
    }
    state.out = undefined;
  },
  result(state) {
    if (state.out !== undefined) return state.out;
    const { seqs, totals, start, base } = state;
    const end = seqs.length;
    const last = end > start ? (totals[end - 1] as number) : base;
    state.out = {
      total: last - base,
      since(seq) {
        // The first envelope after `seq`, by binary search.
        let lo = start;
        let hi = end;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((seqs[mid] as number) <= seq) lo = mid + 1;
          else hi = mid;
        }
        return last - (lo === start ? base : (totals[lo - 1] as number));
      },
    };
    return state.out;
  },
};

/** The issues a selection shows (see visibility.ts). */
export const visibleIssues = visibleOnly(issues);

/** Error events by arrival among what a selection shows: the trigger's badge. */
export const visibleErrorArrivals = visibleOnly(errorArrivals);
