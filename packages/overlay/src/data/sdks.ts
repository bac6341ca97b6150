import { asArray, asObject, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { makeService, type Service } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';
import { attributeValues, cachedPer, isRecord, memoizeLast } from './tracesPayload.ts';

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
export const sdkOfEnvelope = cachedPer((stored: StoredEnvelope): EnvelopeSdk | undefined => {
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
});

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

interface Accumulator {
  key: string;
  parts: EnvelopeSdk;
  counts: Partial<Record<TelemetryKind, number>>;
  discarded: Record<string, number>;
  envelopes: number;
  firstSeen: number;
  lastSeen: number;
}

function merge(into: Accumulator, sdk: EnvelopeSdk): void {
  for (const [kind, count] of Object.entries(sdk.counts) as [TelemetryKind, number][]) into.counts[kind] = (into.counts[kind] ?? 0) + count;
  for (const [key, quantity] of Object.entries(sdk.discarded)) into.discarded[key] = (into.discarded[key] ?? 0) + quantity;
  for (const key of ['version', 'release', 'environment', 'serverName', 'serviceName', 'runtime', 'platform', 'integrations'] as const) {
    // The latest envelope wins: a restarted service may have changed its configuration.
    if (sdk[key] !== undefined) (into.parts as unknown as Record<string, unknown>)[key] = sdk[key];
  }
  into.envelopes += 1;
  into.firstSeen = Math.min(into.firstSeen, sdk.time);
  into.lastSeen = Math.max(into.lastSeen, sdk.time);
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
 */
export const selectSdks = memoizeLast((envelopes: readonly StoredEnvelope[]): readonly SdkSummary[] => {
  const rows = new Map<string, Accumulator>();
  const latestWithRelease = new Map<string, Accumulator>();
  const withoutRelease: EnvelopeSdk[] = [];
  const add = (key: string, sdk: EnvelopeSdk): Accumulator => {
    let row = rows.get(key);
    if (row === undefined) {
      row = {
        key,
        parts: { ...sdk, counts: {}, discarded: {} },
        counts: {},
        discarded: {},
        envelopes: 0,
        firstSeen: sdk.time,
        lastSeen: sdk.time,
      };
      rows.set(key, row);
    }
    merge(row, sdk);
    return row;
  };
  for (const stored of envelopes) {
    const sdk = sdkOfEnvelope(stored);
    if (sdk === undefined) continue;
    const nameVersion = `${sdk.name}@${sdk.version ?? ''}`;
    if (sdk.release === undefined) withoutRelease.push(sdk);
    else latestWithRelease.set(nameVersion, add(`${nameVersion}|${sdk.release}`, sdk));
  }
  for (const sdk of withoutRelease) {
    const nameVersion = `${sdk.name}@${sdk.version ?? ''}`;
    add(latestWithRelease.get(nameVersion)?.key ?? `${nameVersion}|`, sdk);
  }
  return [...rows.values()]
    .map((row): SdkSummary => {
      const { parts } = row;
      const summary: { -readonly [K in keyof SdkSummary]: SdkSummary[K] } = {
        key: row.key,
        name: parts.name,
        service: makeService({ ...parts, sdkName: parts.name, sdkVersion: parts.version }),
        integrations: parts.integrations ?? [],
        counts: row.counts,
        discarded: discardedCounts(row.discarded),
        envelopes: row.envelopes,
        firstSeen: row.firstSeen,
        lastSeen: row.lastSeen,
        hint: dsnHint(sdkLanguage(parts.name, parts.platform), parts.release),
      };
      for (const key of ['version', 'release', 'environment', 'serverName', 'runtime', 'platform'] as const) {
        if (parts[key] !== undefined) summary[key] = parts[key];
      }
      return summary;
    })
    .sort((a, b) => b.lastSeen - a.lastSeen || a.key.localeCompare(b.key));
});
