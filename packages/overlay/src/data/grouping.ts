import type { EnvelopeHeaders, ItemHeaders } from '@spotlight/envelope';
import { stripAnsi } from './ansi.ts';
import type { DeriveContext } from './derive.ts';
import {
  appRootOfEvent,
  asArray,
  asObject,
  asString,
  culpritOf,
  exceptionsOf,
  type Frame,
  headlineOf,
  type JsonObject,
  levelOf,
  messageFramesOf,
  messageOf,
  messageTemplateOf,
  timestampMs,
} from './errorEvent.ts';
import { isInAppFrame, type PathReader, plainPaths } from './paths.ts';
import { type Service, serviceOfEvent } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';

/** An attachment sent in the same envelope as the event. */
export interface Attachment {
  readonly filename: string;
  readonly contentType?: string;
  /** Sentry's `attachment_type`, e.g. `event.attachment`, `event.view_hierarchy`. */
  readonly attachmentType?: string;
  /** Text for text/plain and application/json items, bytes otherwise. */
  readonly data: string | Uint8Array;
}

/** One error event, read once per stored envelope and cached. */
export interface ErrorEventRecord {
  /** Unique in the store: the envelope's id, plus the item's index when an envelope holds several events. */
  readonly key: string;
  readonly eventId: string;
  readonly envelopeId: string;
  readonly receivedAt: number;
  /** When the SDK captured it (epoch ms); the receive time when the event has none. */
  readonly timestamp: number;
  readonly event: JsonObject;
  readonly envelopeHeader: EnvelopeHeaders;
  readonly attachments: readonly Attachment[];
  readonly service: Service;
  readonly level: string;
  readonly title: string;
  readonly subtitle?: string;
  readonly culprit?: string;
  readonly appRoot?: string;
  /** What the event is grouped by, e.g. `['Error', 'probe-sdk level3', ...]`. */
  readonly grouping: readonly string[];
  readonly issueId: string;
}

/** Events that look alike, one row in the list. */
export interface Issue {
  readonly id: string;
  readonly title: string;
  readonly subtitle?: string;
  readonly culprit?: string;
  readonly level: string;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly services: readonly Service[];
  /** Oldest first. */
  readonly events: readonly ErrorEventRecord[];
  readonly latest: ErrorEventRecord;
}

const DEFAULT_FINGERPRINT = /^\{\{\s*default\s*\}\}$/;

/** Masks what varies between occurrences of one message: ids, numbers, dates, addresses. */
export function maskMessage(message: string): string {
  return stripAnsi(message)
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<date>')
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<email>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .trim();
}

/** A frame as grouping sees it: module or app-relative file, plus function; no line or column. */
export function frameGroupingKey(frame: Frame, appRoot?: string, paths: PathReader = plainPaths): string {
  const path = frame.abs_path ?? frame.filename;
  let file = frame.module;
  if (file === undefined && path !== undefined) {
    // Bundlers put content hashes in file names (`index-4f3a2b1c.js`); a rebuild must not make a new issue.
    file = paths.shortenPath(path, appRoot).replace(/([-.])[0-9a-f]{8,}(?=\.|$)/gi, '$1<hash>');
  }
  const fn = (frame.function ?? '?')
    .replace(/^(?:async|new)\s+/, '')
    .replace(/^Object\.<anonymous>$/, '<anonymous>')
    .replace(/\s*\[as .*\]$/, '');
  return `${file ?? '?'} ${fn}`;
}

function stackKey(frames: readonly Frame[], appRoot: string | undefined, paths: PathReader): string[] {
  const inApp = frames.filter(isInAppFrame);
  return (inApp.length > 0 ? inApp : frames).map((frame) => frameGroupingKey(frame, appRoot, paths));
}

/** The default grouping: exception types with their frames, else the masked message. */
export function defaultGrouping(
  event: JsonObject,
  appRoot?: string,
  paths: PathReader = plainPaths,
  exceptions = exceptionsOf(event),
): string[] {
  if (exceptions.length > 0) {
    const out: string[] = [];
    for (const ex of exceptions) {
      const frames = stackKey(ex.frames, appRoot, paths);
      out.push(ex.type ?? 'Error');
      // Without a stack, the message is all there is to tell two exceptions of one type apart.
      if (frames.length > 0) out.push(...frames);
      else if (ex.value !== undefined) out.push(maskMessage(ex.value));
    }
    return out;
  }
  const message = messageTemplateOf(event) ?? messageOf(event);
  if (message !== undefined) {
    const frames = stackKey(messageFramesOf(event), appRoot, paths);
    return [maskMessage(message), ...frames];
  }
  return [asString(event.transaction) ?? '<unlabeled event>'];
}

/** The event's grouping: its `fingerprint` (with `{{ default }}` expanded) when it has one, else the default. */
export function groupingOf(
  event: JsonObject,
  appRoot?: string,
  paths: PathReader = plainPaths,
  exceptions = exceptionsOf(event),
): string[] {
  const fingerprint = asArray(event.fingerprint).filter((part) => typeof part === 'string' || typeof part === 'number');
  if (fingerprint.length === 0) return defaultGrouping(event, appRoot, paths, exceptions);
  return fingerprint.flatMap((part) =>
    DEFAULT_FINGERPRINT.test(String(part)) ? defaultGrouping(event, appRoot, paths, exceptions) : [`fp:${String(part)}`],
  );
}

/** A short, stable id for a grouping (53-bit cyrb hash, hex): used in routes. */
export function hashGrouping(parts: readonly string[]): string {
  const text = parts.join('\n');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

export function attachmentsOf(items: readonly (readonly [ItemHeaders, unknown])[]): Attachment[] {
  const out: Attachment[] = [];
  for (const [header, payload] of items) {
    if (header.type !== 'attachment') continue;
    const data = typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload ?? null);
    const attachment: { -readonly [K in keyof Attachment]: Attachment[K] } = {
      filename: asString(header.filename) ?? 'attachment',
      data,
    };
    const contentType = asString(header.content_type);
    if (contentType !== undefined) attachment.contentType = contentType;
    const attachmentType = asString(header.attachment_type);
    if (attachmentType !== undefined) attachment.attachmentType = attachmentType;
    out.push(attachment);
  }
  return out;
}

/**
 * The error events of one stored envelope (usually none or one). An envelope reader: a store reads each
 * envelope once (`ctx.of(errorEventsOf, entry)`), remembering stack paths in `ctx.paths`.
 */
export function errorEventsOf(stored: StoredEnvelope, ctx?: DeriveContext): readonly ErrorEventRecord[] {
  const paths = ctx?.paths ?? plainPaths;
  const [header, items] = stored.envelope;
  const out: ErrorEventRecord[] = [];
  let attachments: Attachment[] | undefined;
  items.forEach(([itemHeader, payload], index) => {
    const event = asObject(payload);
    if (itemHeader.type !== 'event' || !event || event.type === 'transaction') return;
    attachments ??= attachmentsOf(items);
    const exceptions = exceptionsOf(event);
    const appRoot = appRootOfEvent(event, paths, exceptions);
    const grouping = groupingOf(event, appRoot, paths, exceptions);
    const headline = headlineOf(event, exceptions);
    const culprit = culpritOf(event, appRoot, paths, exceptions);
    const record: { -readonly [K in keyof ErrorEventRecord]: ErrorEventRecord[K] } = {
      key: index === 0 || items.length === 1 ? stored.id : `${stored.id}:${index}`,
      eventId: asString(event.event_id) ?? asString(header.event_id) ?? `${stored.id}:${index}`,
      envelopeId: stored.id,
      receivedAt: stored.receivedAt,
      timestamp: timestampMs(event.timestamp) ?? stored.receivedAt,
      event,
      envelopeHeader: header,
      attachments,
      service: serviceOfEvent(event, header as JsonObject),
      level: levelOf(event),
      title: headline.title,
      grouping,
      issueId: hashGrouping(grouping),
    };
    if (headline.subtitle !== undefined) record.subtitle = headline.subtitle;
    if (culprit !== undefined) record.culprit = culprit;
    if (appRoot !== undefined) record.appRoot = appRoot;
    out.push(record);
  });
  return out;
}

/** Every error event of these envelopes, in arrival order, read afresh (the store's derivations: issues.ts). */
export function selectErrorEvents(envelopes: readonly StoredEnvelope[]): ErrorEventRecord[] {
  const out: ErrorEventRecord[] = [];
  for (const stored of envelopes) {
    const records = errorEventsOf(stored);
    for (const record of records) out.push(record);
  }
  return out;
}

/** Orders events in an issue: by the SDK's time, then by arrival. */
export const byEventTime = (a: ErrorEventRecord, b: ErrorEventRecord): number => a.timestamp - b.timestamp || a.receivedAt - b.receivedAt;

/** The issue of a group of events (oldest first, at least one). */
export function makeIssue(id: string, events: readonly ErrorEventRecord[], services: readonly Service[]): Issue {
  const latest = events[events.length - 1] as ErrorEventRecord;
  const first = events[0] as ErrorEventRecord;
  const issue: { -readonly [K in keyof Issue]: Issue[K] } = {
    id,
    title: latest.title,
    level: latest.level,
    count: events.length,
    firstSeen: first.timestamp,
    lastSeen: latest.timestamp,
    services,
    events,
    latest,
  };
  if (latest.subtitle !== undefined) issue.subtitle = latest.subtitle;
  if (latest.culprit !== undefined) issue.culprit = latest.culprit;
  return issue;
}

/** The services of an issue's events, in the order they first appear. */
export function servicesOf(events: readonly ErrorEventRecord[]): Service[] {
  const services = new Map<string, Service>();
  for (const event of events) if (!services.has(event.service.key)) services.set(event.service.key, event.service);
  return [...services.values()];
}

/** The order of the issues list: most recently seen first (then the key of the latest event: a total order). */
export const byLastSeen = (a: Issue, b: Issue): number =>
  b.lastSeen - a.lastSeen ||
  b.latest.receivedAt - a.latest.receivedAt ||
  (a.latest.key < b.latest.key ? -1 : a.latest.key > b.latest.key ? 1 : 0);

/** Groups events into issues, most recently seen first. Pure; the store's incremental form is in issues.ts. */
export function groupIssues(events: readonly ErrorEventRecord[]): Issue[] {
  const groups = new Map<string, ErrorEventRecord[]>();
  for (const event of events) {
    const group = groups.get(event.issueId);
    if (group) group.push(event);
    else groups.set(event.issueId, [event]);
  }
  const issues: Issue[] = [];
  for (const [id, group] of groups) {
    group.sort(byEventTime);
    issues.push(makeIssue(id, group, servicesOf(group)));
  }
  return issues.sort(byLastSeen);
}
