/**
 * The overlay's data layer: Sentry envelopes in, what a developer reads out (issues, traces, logs, SDKs,
 * sessions). Plain TypeScript with no DOM at import time: the overlay renders it in the browser, and
 * `spotlight tail` and the MCP server read it in Node.
 *
 *   const store = createStore();
 *   for (const { envelope, id } of received) store.add(envelope, id);   // WireEnvelope, the sidecar's id
 *   store.flush();            // reads see the store as of its last flush (at most a frame after an add)
 *   store.issues();           // Issue[], most recently seen first
 *   store.traces().traces;    // Trace[], newest first (spans, errors and logs of every service joined)
 *   store.logs();             // LogRow[], newest first
 *   store.sdks();             // SdkSummary[], one per service
 *   store.sessions();         // SessionIndex: the current session and the earlier ones
 *   store.subscribe(() => ...)                                          // told after each flush
 *
 * What a session selection shows: `const v = visibility(store.sessions(), { kind: 'current' }, new Set())`,
 * then `store.visibleIssues(v)`, `store.visibleTraces(v)`, `store.visibleLogs(v)`.
 *
 * Every view is a derivation (derive.ts) kept up to date from what changed since it was last read (the
 * envelopes that arrived, and the oldest ones the store dropped), and computed at most once per store
 * version. Every cache belongs to the store: two stores (two overlays in a page, two tests) share nothing.
 *
 * Adding a view: write its `Derivation` in a file of its own (derive.ts says how; issues.ts and sdks.ts are
 * short examples) and add it to `VIEWS` below; every store then has a method of that name. Wrap it in
 * `visibleOnly` (visibility.ts) for its per-session form.
 */
import type { Derivation, EnvelopeReader } from './derive.ts';
import { feedback } from './feedback.ts';
import { errorEventsOf } from './grouping.ts';
import { insights } from './insights.ts';
import { errorEventCount, issues, visibleErrorArrivals, visibleIssues } from './issues.ts';
import { logs, logsOfEnvelope, visibleLogs } from './logs.ts';
import { profiles } from './profiles.ts';
import { sdkOfEnvelope, sdks } from './sdks.ts';
import { sessionFactsOf, sessions } from './sessions.ts';
import { spansOfEnvelope } from './spans.ts';
import { createStore as createEnvelopeStore, type Store, type StoreOptions } from './store.ts';
import { traceHeads, visibleTraceHeads } from './traceHeads.ts';
import { traces, visibleTraces } from './traces.ts';
import { errorsOfEnvelope } from './tracesErrors.ts';
import { visibleEnvelopes } from './visibility.ts';

/** A derivation as the store's API shows it: what it gives and takes, its state its own business. */
function view<S, R, P>(derivation: Derivation<S, R, P>): Derivation<unknown, R, P> {
  return derivation as Derivation<unknown, R, P>;
}

export const VIEWS = {
  /** Issues (grouped error events), most recently seen first. */
  issues: view(issues),
  /** How many error events are stored. */
  errorEventCount: view(errorEventCount),
  /** Traces, newest first, with lookups by trace id. */
  traces: view(traces),
  /** Each trace's name and status, without building it: what names and counts read. */
  traceHeads: view(traceHeads),
  /** Log lines, newest first. */
  logs: view(logs),
  /** One row per SDK and release, most recently seen first. */
  sdks: view(sdks),
  /** Sessions; pass the page (its load time and the traces its browser SDK started) when there is one. */
  sessions: view(sessions),
  /** What a session selection shows (see visibility()). */
  visibleEnvelopes: view(visibleEnvelopes),
  visibleIssues: view(visibleIssues),
  visibleTraces: view(visibleTraces),
  visibleTraceHeads: view(visibleTraceHeads),
  visibleLogs: view(visibleLogs),
  /** Error events by arrival, for "errors since the user last looked" (the trigger's badge). */
  visibleErrorArrivals: view(visibleErrorArrivals),
  /** Queries (N+1), outgoing HTTP, web vitals and LLM calls of the traces a selection shows. */
  insights: view(insights),
  /** Profiles (transaction-bound and continuous chunks), by trace and by profiler. */
  profiles: view(profiles),
  /** User feedback, newest first. */
  feedback: view(feedback),
} as const;

/** Envelope readers run as each envelope arrives (see `StoreOptions.prepare`): what the views read of each one. */
export const PREPARED: readonly EnvelopeReader<unknown>[] = [
  errorEventsOf,
  errorsOfEnvelope,
  spansOfEnvelope,
  logsOfEnvelope,
  sdkOfEnvelope,
  sessionFactsOf,
];

type Method<D> = D extends Derivation<infer _S, infer R, infer P> ? (...param: undefined extends P ? [param?: P] : [param: P]) => R : never;

/** A store with a method per view of `VIEWS`. */
export type SpotlightStore = Store & { readonly [K in keyof typeof VIEWS]: Method<(typeof VIEWS)[K]> };

/** A store of envelopes and of every view derived from them (see above). */
export function createStore(options: StoreOptions = {}): SpotlightStore {
  const store = createEnvelopeStore({ prepare: PREPARED, ...options });
  const methods: Record<string, (param?: unknown) => unknown> = {};
  for (const [name, derivation] of Object.entries(VIEWS)) {
    methods[name] = (param?: unknown) => store.read(derivation as Derivation<unknown, unknown, unknown>, param);
  }
  return Object.assign(store, methods) as unknown as SpotlightStore;
}

export type { Derivation, DeriveContext, EnvelopeReader } from './derive.ts';
export { createSelector } from './derive.ts';
export type { Attachment, ErrorEventRecord, Issue } from './grouping.ts';
export type { ErrorArrivals } from './issues.ts';
export type { LogLevel, LogRow } from './logs.ts';
export type { SdkSummary, TelemetryKind } from './sdks.ts';
export type { Service } from './sdksService.ts';
export type { PageInfo, Session, SessionIndex, SessionParams, SessionSelection } from './sessions.ts';
export { visibility } from './sessions.ts';
export type { Span } from './spans.ts';
export type { ConnectionState, Scheduler, StoredEnvelope, StoreOptions, StoreSnapshot } from './store.ts';
export type { TraceHead, TraceHeads } from './traceHeads.ts';
export type { Trace, TraceIndex, TraceNode } from './traces.ts';
export type { TraceError } from './tracesErrors.ts';
export { isEnvelopeVisible, isRowVisible, isTraceVisible, type Visibility, visibleOnly } from './visibility.ts';
