import { createSelector, type Derivation } from './derive.ts';
import { asArray, asNumber, asObject, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { appRootOfFrames, framePath, isInAppFrame, type PathFrame, shortenPath } from './paths.ts';
import type { StoredEnvelope } from './store.ts';
import { hexId, isRecord } from './tracesPayload.ts';

/** A frame of a profile, with its path shown like a stack trace's (`~/src/x.ts`, `node_modules/pkg/...`). */
export interface ProfileFrame {
  /** Function and file: what the flame graph and the function table merge on. */
  readonly key: string;
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly inApp: boolean;
}

interface Sample {
  /** Epoch ms. */
  readonly at: number;
  readonly stack: number;
  readonly thread: string;
}

/**
 * The samples of one `profile` item (transaction-bound, format v1: `elapsed_since_start_ns` after the
 * profile's `timestamp`) or one `profile_chunk` (continuous, v2: absolute `timestamp` seconds).
 */
export interface ProfileSource {
  readonly kind: 'profile' | 'profile_chunk';
  readonly envelopeId: string;
  readonly profilerId?: string;
  /** v1: the trace and root span of its transaction. */
  readonly traceId?: string;
  readonly spanId?: string;
  readonly transactionName?: string;
  readonly start: number;
  readonly end: number;
  readonly samples: readonly Sample[];
  /** Frame indexes, leaf first, as sent. */
  readonly stacks: readonly (readonly number[])[];
  readonly frames: readonly ProfileFrame[];
}

function framesOf(raw: readonly unknown[]): ProfileFrame[] {
  const pathFrames: PathFrame[] = raw.map((f) => {
    const o = asObject(f) ?? {};
    const frame: { -readonly [K in keyof PathFrame]: PathFrame[K] } = {};
    const abs = asString(o.abs_path);
    const file = asString(o.filename);
    if (abs !== undefined) frame.abs_path = abs;
    if (file !== undefined) frame.filename = file;
    if (typeof o.in_app === 'boolean') frame.in_app = o.in_app;
    const module = asString(o.module);
    if (module !== undefined) frame.module = module;
    return frame;
  });
  const appRoot = appRootOfFrames(pathFrames);
  return raw.map((f, i) => {
    const o = asObject(f) ?? {};
    const path = framePath(pathFrames[i] as PathFrame);
    const file = path !== undefined ? shortenPath(path, appRoot) : undefined;
    const name = asString(o.function) || '(anonymous)';
    const frame: { -readonly [K in keyof ProfileFrame]: ProfileFrame[K] } = {
      key: `${name}\u0000${file ?? ''}`,
      name,
      inApp: path !== undefined && isInAppFrame(pathFrames[i] as PathFrame),
    };
    if (file !== undefined) frame.file = file;
    const line = asNumber(o.lineno);
    if (line !== undefined) frame.line = line;
    return frame;
  });
}

function sourceOf(type: string, payload: JsonObject, envelopeId: string): ProfileSource | undefined {
  const profile = asObject(payload.profile);
  if (profile === undefined) return undefined;
  const stacks = asArray(profile.stacks).map((s) => asArray(s).filter((i): i is number => typeof i === 'number'));
  const frames = framesOf(asArray(profile.frames));
  const base = type === 'profile' ? timestampMs(payload.timestamp) : 0;
  if (base === undefined) return undefined;
  const samples: Sample[] = [];
  for (const raw of asArray(profile.samples)) {
    const s = asObject(raw);
    const stack = asNumber(s?.stack_id);
    if (s === undefined || stack === undefined || stacks[stack] === undefined) continue;
    const at = type === 'profile' ? base + Number(s.elapsed_since_start_ns) / 1e6 : (asNumber(s.timestamp) ?? Number.NaN) * 1000;
    if (!Number.isFinite(at)) continue;
    samples.push({ at, stack, thread: String(s.thread_id ?? '') });
  }
  if (samples.length === 0) return undefined;
  samples.sort((a, b) => a.at - b.at);
  const transaction = asObject(payload.transaction);
  const source: { -readonly [K in keyof ProfileSource]: ProfileSource[K] } = {
    kind: type === 'profile' ? 'profile' : 'profile_chunk',
    envelopeId,
    start: (samples[0] as Sample).at,
    end: (samples[samples.length - 1] as Sample).at,
    samples,
    stacks,
    frames,
  };
  const profilerId = hexId(payload.profiler_id);
  if (profilerId !== undefined) source.profilerId = profilerId;
  const traceId = hexId(transaction?.trace_id) ?? hexId(asObject(asObject(payload.contexts)?.trace)?.trace_id);
  if (traceId !== undefined) source.traceId = traceId;
  const spanId = hexId(asObject(asObject(payload.contexts)?.trace)?.span_id);
  if (spanId !== undefined) source.spanId = spanId;
  const name = asString(transaction?.name);
  if (name !== undefined) source.transactionName = name;
  return source;
}

/** The profiles an envelope carries. */
export function profilesOfEnvelope(stored: StoredEnvelope): ProfileSource[] {
  const out: ProfileSource[] = [];
  for (const [header, payload] of stored.envelope[1]) {
    if ((header.type !== 'profile' && header.type !== 'profile_chunk') || !isRecord(payload)) continue;
    const source = sourceOf(header.type, payload, stored.id);
    if (source !== undefined) out.push(source);
  }
  return out;
}

export interface ProfileIndex {
  readonly all: readonly ProfileSource[];
  /** Continuous profiles by profiler id (spans name theirs in `sentry.profiler_id`). */
  readonly byProfiler: ReadonlyMap<string, readonly ProfileSource[]>;
  /** Transaction profiles by trace id. */
  readonly byTrace: ReadonlyMap<string, readonly ProfileSource[]>;
}

interface ProfilesState {
  /** Every profile, in arrival order. */
  all: ProfileSource[];
  out: ProfileIndex | undefined;
}

/** The store's profiles (a handful: the index is made again when one comes or goes). */
export const profiles: Derivation<ProfilesState, ProfileIndex> = {
  name: 'profiles',
  create: () => ({ all: [], out: undefined }),
  add(state, entry, ctx) {
    const sources = ctx.of(profilesOfEnvelope, entry);
    if (sources.length === 0) return;
    state.all.push(...sources);
    state.out = undefined;
  },
  remove(state, entry, ctx) {
    const sources = ctx.of(profilesOfEnvelope, entry);
    if (sources.length === 0) return;
    state.all = state.all.filter((source) => !sources.includes(source));
    state.out = undefined;
  },
  result(state) {
    if (state.out !== undefined) return state.out;
    const byProfiler = new Map<string, ProfileSource[]>();
    const byTrace = new Map<string, ProfileSource[]>();
    for (const source of state.all) {
      if (source.profilerId !== undefined) push(byProfiler, source.profilerId, source);
      if (source.traceId !== undefined) push(byTrace, source.traceId, source);
    }
    state.out = { all: state.all.slice(), byProfiler, byTrace };
    return state.out;
  },
};

/** Profiles of envelope arrays, with caches of its own: for tests and one-off callers (a store keeps `profiles`). */
export function createProfileSelector(): (envelopes: readonly StoredEnvelope[]) => ProfileIndex {
  const select = createSelector(profiles);
  return (envelopes) => select(envelopes);
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export interface FlameNode {
  readonly frame: ProfileFrame;
  readonly totalMs: number;
  readonly selfMs: number;
  /** Heaviest first. */
  readonly children: readonly FlameNode[];
}

export interface FunctionRow {
  readonly frame: ProfileFrame;
  /** Time with the function on top of the stack. */
  readonly selfMs: number;
  /** Time with the function anywhere on the stack (counted once per sample when it recurses). */
  readonly totalMs: number;
}

export interface ProfileSlice {
  /** A root standing for the whole range (`all`); its children are the stacks' outermost frames. */
  readonly root: FlameNode;
  /** Heaviest self time first. */
  readonly functions: readonly FunctionRow[];
  readonly sampleCount: number;
  readonly start: number;
  readonly end: number;
}

export interface ProfileRange {
  readonly start: number;
  readonly end: number;
  /** Only samples of this thread (a span's `thread.id`); all threads when absent. */
  readonly threadId?: string;
}

interface MutableNode {
  frame: ProfileFrame;
  totalMs: number;
  selfMs: number;
  children: Map<string, MutableNode>;
}

const ALL: ProfileFrame = { key: '\u0000all', name: 'all', inApp: false };

/**
 * The samples of `sources` that fall in the range, as a flame graph and a function table. Each sample
 * stands for the time until the next one (at most three typical intervals: the profiler paused); the
 * last one for one typical interval.
 */
export function profileSlice(sources: readonly ProfileSource[], range: ProfileRange): ProfileSlice | undefined {
  const picked: { source: ProfileSource; sample: Sample; weight: number }[] = [];
  for (const source of sources) {
    const gaps: number[] = [];
    for (let i = 1; i < source.samples.length; i++) gaps.push((source.samples[i] as Sample).at - (source.samples[i - 1] as Sample).at);
    gaps.sort((a, b) => a - b);
    const typical = gaps[Math.floor(gaps.length / 2)] ?? 10;
    for (let i = 0; i < source.samples.length; i++) {
      const sample = source.samples[i] as Sample;
      if (sample.at < range.start || sample.at > range.end || (range.threadId !== undefined && sample.thread !== range.threadId)) continue;
      const next = source.samples[i + 1];
      const weight = next === undefined ? typical : Math.min(next.at - sample.at, typical * 3);
      picked.push({ source, sample, weight });
    }
  }
  if (picked.length === 0) return undefined;
  const root: MutableNode = { frame: ALL, totalMs: 0, selfMs: 0, children: new Map() };
  const functions = new Map<string, { frame: ProfileFrame; selfMs: number; totalMs: number }>();
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const { source, sample, weight } of picked) {
    start = Math.min(start, sample.at);
    end = Math.max(end, sample.at + weight);
    const stack = source.stacks[sample.stack] ?? [];
    let node = root;
    node.totalMs += weight;
    const seen = new Set<string>();
    // Stacks list the leaf first: walk from the outermost frame in.
    for (let i = stack.length - 1; i >= 0; i--) {
      const frame = source.frames[stack[i] as number];
      if (frame === undefined) continue;
      let child = node.children.get(frame.key);
      if (child === undefined) {
        child = { frame, totalMs: 0, selfMs: 0, children: new Map() };
        node.children.set(frame.key, child);
      }
      child.totalMs += weight;
      node = child;
      let row = functions.get(frame.key);
      if (row === undefined) {
        row = { frame, selfMs: 0, totalMs: 0 };
        functions.set(frame.key, row);
      }
      if (!seen.has(frame.key)) {
        seen.add(frame.key);
        row.totalMs += weight;
      }
      if (i === 0) row.selfMs += weight;
    }
    node.selfMs += weight;
  }
  return {
    root: freeze(root),
    functions: [...functions.values()].sort(
      (a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs || a.frame.name.localeCompare(b.frame.name),
    ),
    sampleCount: picked.length,
    start,
    end,
  };
}

function freeze(node: MutableNode): FlameNode {
  // Iterative: stacks of untrusted profiles may be thousands of frames deep.
  const out = new Map<MutableNode, { frame: ProfileFrame; totalMs: number; selfMs: number; children: FlameNode[] }>();
  const order: MutableNode[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop() as MutableNode;
    order.push(current);
    for (const child of current.children.values()) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const current = order[i] as MutableNode;
    const children = [...current.children.values()].map((c) => out.get(c) as FlameNode).sort((a, b) => b.totalMs - a.totalMs);
    out.set(current, { frame: current.frame, totalMs: current.totalMs, selfMs: current.selfMs, children });
  }
  return out.get(node) as FlameNode;
}
