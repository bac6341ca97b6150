import type { Derivation } from './derive.ts';
import { asArray, asObject, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { makeService, type Service } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';
import { attributeValues, isRecord } from './tracesPayload.ts';

/** What an SDK sent, counted per kind (a span-v2 container of 5 spans counts 5 spans). */
export type TelemetryKind =
  | 'error'
  | 'transaction'
  | 'span'
  | 'log'
  | 'session'
  | 'attachment'
  | 'profile'
  | 'replay'
  | 'check_in'
  | 'feedback'
  | 'client_report'
  | 'other';

export type SdkLanguage = 'browser' | 'node' | 'python' | 'other';

/** How to send the same data to Sentry in production. */
export interface DsnHint {
  readonly language: SdkLanguage;
  /** The environment variable line, for SDKs that read `SENTRY_DSN` by themselves. */
  readonly env?: string;
  /** The init call with a DSN. */
  readonly code: string;
}

/** What an SDK (or Spotlight's hook in its name) reported it dropped: its client reports' `discarded_events`, summed. */
export interface DiscardedCount {
  /** Sentry's outcome reason: `queue_overflow`, `network_error`, `sample_rate`, `ratelimit_backoff`... */
  readonly reason: string;
  /** Sentry's data category: `error`, `transaction`, `span`, `log_item`... */
  readonly category: string;
  readonly quantity: number;
}

export interface SdkSummary {
  readonly key: string;
  /** `sentry.javascript.node` */
  readonly name: string;
  readonly version?: string;
  /** The service label every view uses, e.g. "node · api@1.0.0". */
  readonly service: Service;
  readonly release?: string;
  readonly environment?: string;
  readonly serverName?: string;
  readonly runtime?: string;
  readonly platform?: string;
  readonly integrations: readonly string[];
  readonly counts: Readonly<Partial<Record<TelemetryKind, number>>>;
  /** Dropped before it reached Spotlight, largest first; empty when nothing was. */
  readonly discarded: readonly DiscardedCount[];
  readonly envelopes: number;
  /**
   * When it sent its first and latest envelope (ms, the SDK's clock: `sent_at`, else the payload's
   * timestamps). Not the receive time: a sidecar replays its buffer to a viewer that connects late.
   */
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly hint: DsnHint;
}

interface EnvelopeSdk {
  name: string;
  version?: string | undefined;
  release?: string | undefined;
  environment?: string | undefined;
  serverName?: string | undefined;
  serviceName?: string | undefined;
  runtime?: string | undefined;
  platform?: string | undefined;
  integrations?: readonly string[] | undefined;
  counts: Partial<Record<TelemetryKind, number>>;
  /** `reason:category` to quantity, from client reports. */
  discarded: Record<string, number>;
  /** When the SDK sent it (its own clock). */
  time: number;
}

const KIND_OF_ITEM: Readonly<Record<string, TelemetryKind>> = {
  event: 'error',
  transaction: 'transaction',
  span: 'span',
  log: 'log',
  otel_log: 'log',
  session: 'session',
  sessions: 'session',
  attachment: 'attachment',
  profile: 'profile',
  profile_chunk: 'profile',
  replay_event: 'replay',
  replay_recording: 'replay',
  replay_video: 'replay',
  check_in: 'check_in',
  feedback: 'feedback',
  user_report: 'feedback',
  client_report: 'client_report',
};

function itemCount(payload: unknown): number {
  const items = asObject(payload)?.items;
  return Array.isArray(items) ? items.length : 1;
}

function runtimeOf(contexts: JsonObject | undefined, attributes: Readonly<Record<string, unknown>>): string | undefined {
  const runtime = asObject(contexts?.runtime) ?? asObject(contexts?.browser);
  const name = asString(runtime?.name) ?? asString(attributes['process.runtime.name']) ?? asString(attributes['browser.name']);
  const version = asString(runtime?.version) ?? asString(attributes['process.runtime.version']) ?? asString(attributes['browser.version']);
  return name !== undefined ? [name, version].filter(Boolean).join(' ') : undefined;
}

function strings(value: unknown): string[] | undefined {
  const list = asArray(value).filter((v): v is string => typeof v === 'string');
  return list.length > 0 ? list : undefined;
}

/**
 * Who sent one envelope and what it held. Release and environment come from the payloads, never
 * from the header's trace context, which belongs to the service that started the trace.
 */
export function sdkOfEnvelope(stored: StoredEnvelope): EnvelopeSdk | undefined {
  const [header, items] = stored.envelope;
  const sdk = asObject(header.sdk);
  const found: Omit<EnvelopeSdk, 'name'> & { name?: string | undefined } = {
    name: asString(sdk?.name),
    version: asString(sdk?.version),
    counts: {},
    discarded: {},
    time: timestampMs(header.sent_at) ?? Number.NaN,
  };
  const seen = (value: unknown): void => {
    const ms = timestampMs(value);
    if (ms !== undefined && Number.isNaN(found.time)) found.time = ms;
  };
  const fill = <K extends keyof EnvelopeSdk>(key: K, value: EnvelopeSdk[K] | undefined): void => {
    if (found[key] === undefined && value !== undefined) (found as EnvelopeSdk)[key] = value;
  };
  for (const [itemHeader, payload] of items) {
    const kind = KIND_OF_ITEM[itemHeader.type] ?? 'other';
    const count = kind === 'span' || kind === 'log' ? itemCount(payload) : 1;
    found.counts[kind] = (found.counts[kind] ?? 0) + count;
    const object = asObject(payload);
    if (object === undefined) continue;
    seen(object.timestamp);
    if (itemHeader.type === 'client_report') {
      for (const line of asArray(object.discarded_events)) {
        const discard = asObject(line);
        const quantity = discard?.quantity;
        if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) continue;
        const key = `${asString(discard?.reason) ?? 'unknown'}:${asString(discard?.category) ?? 'default'}`;
        found.discarded[key] = (found.discarded[key] ?? 0) + quantity;
      }
    } else if (itemHeader.type === 'event' || itemHeader.type === 'transaction') {
      const eventSdk = asObject(object.sdk);
      fill('name', asString(eventSdk?.name));
      fill('version', asString(eventSdk?.version));
      fill('integrations', strings(eventSdk?.integrations));
      fill('release', asString(object.release));
      fill('environment', asString(object.environment));
      fill('serverName', asString(object.server_name));
      fill('platform', asString(object.platform));
      const contexts = asObject(object.contexts);
      fill('runtime', runtimeOf(contexts, {}));
      const serviceName = asString(asObject(asObject(contexts?.otel)?.resource)?.['service.name']);
      fill('serviceName', serviceName);
    } else if (itemHeader.type === 'session' || itemHeader.type === 'sessions') {
      const attrs = asObject(object.attrs);
      fill('release', asString(attrs?.release));
      fill('environment', asString(attrs?.environment));
    } else if (Array.isArray(object.items) || kind === 'span' || kind === 'log') {
      const lines = Array.isArray(object.items) ? object.items : [object];
      for (const line of lines) {
        if (!isRecord(line)) continue;
        seen(line.end_timestamp ?? line.timestamp);
        const attributes = attributeValues(line.attributes ?? line.data);
        fill('name', asString(attributes['sentry.sdk.name']));
        fill('version', asString(attributes['sentry.sdk.version']));
        fill('release', asString(attributes['sentry.release']));
        fill('environment', asString(attributes['sentry.environment']));
        fill('serviceName', asString(attributes['service.name']));
        fill('integrations', strings(attributes['sentry.sdk.integrations']));
        fill('runtime', runtimeOf(undefined, attributes));
        // On a span, server.address may name the server it called; on a log it is this host.
        if (kind === 'log') fill('serverName', asString(attributes['server.address']));
      }
    }
  }
  if (Number.isNaN(found.time)) found.time = stored.receivedAt;
  return found.name !== undefined ? (found as EnvelopeSdk) : undefined;
}

const SERVER_JS = /\.(node|bun|deno|nestjs|aws-serverless|google-cloud-serverless|cloudflare|vercel-edge)$/;

export function sdkLanguage(name: string, platform?: string): SdkLanguage {
  if (name.includes('python') || platform === 'python') return 'python';
  if (platform === 'node' || SERVER_JS.test(name)) return 'node';
  if (name.includes('javascript') || platform === 'javascript') return 'browser';
  return 'other';
}

const DSN_PLACEHOLDER = 'https://<key>@<org>.ingest.sentry.io/<project>';

/** The init call that sends the same data to Sentry: the DSN is all Spotlight does not need. */
export function dsnHint(language: SdkLanguage, release?: string): DsnHint {
  const releaseJs = release !== undefined ? `\n  release: ${JSON.stringify(release)},` : '';
  switch (language) {
    case 'node':
      return {
        language,
        env: `SENTRY_DSN=${DSN_PLACEHOLDER}`,
        code: `Sentry.init({\n  dsn: process.env.SENTRY_DSN,${releaseJs}\n  environment: 'production',\n});`,
      };
    case 'browser':
      return {
        language,
        code: `Sentry.init({\n  dsn: '${DSN_PLACEHOLDER}',${releaseJs}\n  environment: 'production',\n});`,
      };
    case 'python':
      return {
        language,
        env: `SENTRY_DSN=${DSN_PLACEHOLDER}`,
        code: `sentry_sdk.init(\n    dsn=os.environ["SENTRY_DSN"],${release !== undefined ? `\n    release=${JSON.stringify(release)},` : ''}\n    environment="production",\n)`,
      };
    default:
      return { language, env: `SENTRY_DSN=${DSN_PLACEHOLDER}`, code: `Set the DSN (Project Settings → Client Keys) in this SDK's init.` };
  }
}

const FIELDS = ['version', 'release', 'environment', 'serverName', 'serviceName', 'runtime', 'platform', 'integrations'] as const;
type Field = (typeof FIELDS)[number];

/**
 * The smallest and largest of a sliding window of values (envelopes leave in the order they came):
 * monotonic queues, so both stay O(1) amortized per envelope.
 */
interface Extremes {
  readonly low: { seq: number; value: number }[];
  readonly high: { seq: number; value: number }[];
  lowAt: number;
  highAt: number;
}

function pushExtreme(q: { seq: number; value: number }[], at: number, seq: number, value: number, keep: (old: number) => boolean): void {
  while (q.length > at && !keep((q[q.length - 1] as { value: number }).value)) q.pop();
  q.push({ seq, value });
}

/** What the envelopes of one SDK and release (or of one SDK without release) add up to. */
interface Accumulator {
  readonly key: string;
  readonly name: string;
  /** `<sdk name>@<version>`. */
  readonly nameVersion: string;
  readonly counts: Partial<Record<TelemetryKind, number>>;
  /** `reason:category` to quantity, from client reports. */
  readonly discarded: Record<string, number>;
  envelopes: number;
  readonly times: Extremes;
  /** Per field, the latest envelope that set it (it wins: a restarted service may have changed its configuration). */
  readonly fields: Map<Field, { value: unknown; seq: number }>;
}

interface SdksState {
  readonly withRelease: Map<string, Accumulator>;
  /** Envelopes that name no release (client reports, some log containers), per SDK and version. */
  readonly withoutRelease: Map<string, Accumulator>;
  /** Per SDK and version, the row of its latest envelope with a release: the one those without count toward. */
  readonly latest: Map<string, { key: string; seq: number }>;
  out: readonly SdkSummary[] | undefined;
}

function fold(acc: Accumulator, sdk: EnvelopeSdk, seq: number): void {
  for (const [kind, count] of Object.entries(sdk.counts) as [TelemetryKind, number][]) acc.counts[kind] = (acc.counts[kind] ?? 0) + count;
  for (const [key, quantity] of Object.entries(sdk.discarded)) acc.discarded[key] = (acc.discarded[key] ?? 0) + quantity;
  acc.envelopes += 1;
  const { times } = acc;
  pushExtreme(times.low, times.lowAt, seq, sdk.time, (old) => old < sdk.time);
  pushExtreme(times.high, times.highAt, seq, sdk.time, (old) => old > sdk.time);
  for (const field of FIELDS) if (sdk[field] !== undefined) acc.fields.set(field, { value: sdk[field], seq });
}

function unfold(acc: Accumulator, sdk: EnvelopeSdk, seq: number): void {
  for (const [kind, count] of Object.entries(sdk.counts) as [TelemetryKind, number][]) {
    const left = (acc.counts[kind] ?? 0) - count;
    if (left > 0) acc.counts[kind] = left;
    else delete acc.counts[kind];
  }
  for (const [key, quantity] of Object.entries(sdk.discarded)) {
    const left = (acc.discarded[key] ?? 0) - quantity;
    if (left > 0) acc.discarded[key] = left;
    else delete acc.discarded[key];
  }
  acc.envelopes -= 1;
  const { times } = acc;
  if (times.low[times.lowAt]?.seq === seq) times.lowAt += 1;
  if (times.high[times.highAt]?.seq === seq) times.highAt += 1;
  // Queues compact once their dropped heads are half of them.
  if (times.lowAt * 2 > times.low.length) {
    times.low.splice(0, times.lowAt);
    times.lowAt = 0;
  }
  if (times.highAt * 2 > times.high.length) {
    times.high.splice(0, times.highAt);
    times.highAt = 0;
  }
  // The latest envelope that set a field is dropped only once every earlier one is: nothing sets it then.
  for (const [field, set] of acc.fields) if (set.seq === seq) acc.fields.delete(field);
}

function nameVersion(sdk: EnvelopeSdk): string {
  return `${sdk.name}@${sdk.version ?? ''}`;
}

function accumulatorOf(state: SdksState, sdk: EnvelopeSdk, create: boolean): Accumulator | undefined {
  const nv = nameVersion(sdk);
  const map = sdk.release !== undefined ? state.withRelease : state.withoutRelease;
  const key = sdk.release !== undefined ? `${nv}|${sdk.release}` : nv;
  let acc = map.get(key);
  if (acc === undefined && create) {
    acc = {
      key: sdk.release !== undefined ? key : `${nv}|`,
      name: sdk.name,
      nameVersion: nv,
      counts: {},
      discarded: {},
      envelopes: 0,
      times: { low: [], high: [], lowAt: 0, highAt: 0 },
      fields: new Map(),
    };
    map.set(key, acc);
  }
  return acc;
}

/** One row of the list from the envelopes with a release and, when it is their SDK's latest row, those without. */
function summaryOf(key: string, rows: readonly Accumulator[]): SdkSummary {
  const counts: Partial<Record<TelemetryKind, number>> = {};
  const discarded: Record<string, number> = {};
  const parts: Partial<Record<Field, unknown>> = {};
  let envelopes = 0;
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const acc of rows) {
    for (const [kind, count] of Object.entries(acc.counts) as [TelemetryKind, number][]) counts[kind] = (counts[kind] ?? 0) + count;
    for (const [key, quantity] of Object.entries(acc.discarded)) discarded[key] = (discarded[key] ?? 0) + quantity;
    for (const [field, set] of acc.fields) parts[field] = set.value;
    envelopes += acc.envelopes;
    firstSeen = Math.min(firstSeen, acc.times.low[acc.times.lowAt]?.value ?? Number.POSITIVE_INFINITY);
    lastSeen = Math.max(lastSeen, acc.times.high[acc.times.highAt]?.value ?? Number.NEGATIVE_INFINITY);
  }
  const name = (rows[0] as Accumulator).name;
  const read = <F extends Field>(field: F) => parts[field] as EnvelopeSdk[F];
  const summary: { -readonly [K in keyof SdkSummary]: SdkSummary[K] } = {
    key,
    name,
    service: makeService({
      sdkName: name,
      sdkVersion: read('version'),
      serviceName: read('serviceName'),
      release: read('release'),
      environment: read('environment'),
      serverName: read('serverName'),
      runtime: read('runtime'),
    }),
    integrations: read('integrations') ?? [],
    counts,
    discarded: discardedCounts(discarded),
    envelopes,
    firstSeen,
    lastSeen,
    hint: dsnHint(sdkLanguage(name, read('platform')), read('release')),
  };
  for (const field of ['version', 'release', 'environment', 'serverName', 'runtime', 'platform'] as const) {
    const value = read(field);
    if (value !== undefined) summary[field] = value;
  }
  return summary;
}

function discardedCounts(byKey: Readonly<Record<string, number>>): DiscardedCount[] {
  return Object.entries(byKey)
    .map(([key, quantity]) => {
      const colon = key.indexOf(':');
      return { reason: key.slice(0, colon), category: key.slice(colon + 1), quantity };
    })
    .sort((a, b) => b.quantity - a.quantity || a.reason.localeCompare(b.reason) || a.category.localeCompare(b.category));
}

/**
 * One row per SDK and release (a service), most recently seen first. Envelopes that name no release
 * (client reports, some log containers) count toward the latest row of the same SDK and version.
 * Kept up to date per envelope that arrives or is dropped; the rows (a handful) are made again.
 */
export const sdks: Derivation<SdksState, readonly SdkSummary[]> = {
  name: 'sdks',
  create: () => ({ withRelease: new Map(), withoutRelease: new Map(), latest: new Map(), out: [] }),
  add(state, entry, ctx) {
    const sdk = ctx.of(sdkOfEnvelope, entry);
    if (sdk === undefined) return;
    const seq = ctx.seqOf(entry);
    fold(accumulatorOf(state, sdk, true) as Accumulator, sdk, seq);
    if (sdk.release !== undefined) state.latest.set(nameVersion(sdk), { key: `${nameVersion(sdk)}|${sdk.release}`, seq });
    state.out = undefined;
  },
  remove(state, entry, ctx) {
    const sdk = ctx.of(sdkOfEnvelope, entry);
    if (sdk === undefined) return;
    const seq = ctx.seqOf(entry);
    const acc = accumulatorOf(state, sdk, false);
    if (acc === undefined) return;
    unfold(acc, sdk, seq);
    if (acc.envelopes === 0) {
      if (sdk.release !== undefined) state.withRelease.delete(acc.key);
      else state.withoutRelease.delete(acc.nameVersion);
    }
    if (state.latest.get(nameVersion(sdk))?.seq === seq) state.latest.delete(nameVersion(sdk));
    state.out = undefined;
  },
  result(state) {
    if (state.out !== undefined) return state.out;
    const rows: SdkSummary[] = [];
    for (const acc of state.withRelease.values()) {
      const without = state.latest.get(acc.nameVersion)?.key === acc.key ? state.withoutRelease.get(acc.nameVersion) : undefined;
      rows.push(summaryOf(acc.key, without !== undefined ? [acc, without] : [acc]));
    }
    for (const [nv, acc] of state.withoutRelease) if (!state.latest.has(nv)) rows.push(summaryOf(acc.key, [acc]));
    state.out = rows.sort((a, b) => b.lastSeen - a.lastSeen || a.key.localeCompare(b.key));
    return state.out;
  },
};
