import { LOG_V2_CONTENT_TYPE } from '@spotlight/envelope';
import type { Derivation } from './derive.ts';
import { asNumber, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { type Service, serviceOfAttributes } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';
import { attributeValues, hexId, isRecord } from './tracesPayload.ts';
import { isRowVisible, type Visibility, visibleOnly } from './visibility.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogRow {
  /** `<envelope id>:<index>`: unique and stable. */
  readonly id: string;
  readonly envelopeId: string;
  readonly receivedAt: number;
  /** Epoch milliseconds (the SDK's clock); the receive time when the SDK sent none. */
  readonly timestamp: number;
  readonly level: LogLevel;
  readonly severityNumber?: number;
  /** The body as the SDK formatted it. */
  readonly message: string;
  /** `Sentry.logger.fmt` template, e.g. "user %s logged in", when the SDK sent one. */
  readonly template?: string;
  /** The template's parameters in order. */
  readonly parameters: readonly unknown[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly service: Service;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const MAX_MESSAGE = 10_000;

/** OpenTelemetry severity numbers: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
function levelOf(level: unknown, severity: number | undefined): LogLevel {
  const text = typeof level === 'string' ? level.toLowerCase() : undefined;
  if (text === 'warning') return 'warn';
  if (text === 'critical') return 'fatal';
  if (text !== undefined && (LEVELS as readonly string[]).includes(text)) return text as LogLevel;
  if (severity !== undefined && severity >= 1) return LEVELS[Math.min(5, Math.floor((severity - 1) / 4))] ?? 'info';
  return 'info';
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, MAX_MESSAGE);
  if (body === undefined || body === null) return '';
  try {
    return (JSON.stringify(body) ?? '').slice(0, MAX_MESSAGE);
  } catch {
    return String(body).slice(0, MAX_MESSAGE);
  }
}

const PARAMETER_PREFIX = 'sentry.message.parameter.';

function templateParameters(attributes: Readonly<Record<string, unknown>>): unknown[] {
  const indexed: [number, unknown][] = [];
  const named: unknown[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(PARAMETER_PREFIX)) continue;
    const rest = key.slice(PARAMETER_PREFIX.length);
    if (/^\d+$/.test(rest)) indexed.push([Number(rest), value]);
    else named.push(value);
  }
  indexed.sort((a, b) => a[0] - b[0]);
  return [...indexed.map(([, value]) => value), ...named];
}

function logRow(item: JsonObject, header: JsonObject, stored: StoredEnvelope, index: number): LogRow {
  const attributes = attributeValues(item.attributes);
  const severityNumber = asNumber(item.severity_number);
  const row: { -readonly [K in keyof LogRow]: LogRow[K] } = {
    id: `${stored.id}:${index}`,
    envelopeId: stored.id,
    receivedAt: stored.receivedAt,
    timestamp: timestampMs(item.timestamp) ?? stored.receivedAt,
    level: levelOf(item.level, severityNumber),
    message: bodyText(item.body),
    parameters: templateParameters(attributes),
    attributes,
    service: serviceOfAttributes(attributes, header),
  };
  if (severityNumber !== undefined) row.severityNumber = severityNumber;
  const template = asString(attributes['sentry.message.template']);
  if (template !== undefined) row.template = template;
  const traceId = hexId(item.trace_id) ?? hexId(attributes['sentry.trace_id']);
  if (traceId !== undefined) row.traceId = traceId;
  const spanId = hexId(item.span_id) ?? hexId(attributes['sentry.trace.parent_span_id']);
  if (spanId !== undefined) row.spanId = spanId;
  return row;
}

/** The log lines of one envelope: log-v2 containers, and single log items of older SDKs. An envelope reader (see derive.ts). */
export function logsOfEnvelope(stored: StoredEnvelope): readonly LogRow[] {
  const [header, items] = stored.envelope;
  const out: LogRow[] = [];
  for (const [itemHeader, payload] of items) {
    if ((itemHeader.type !== 'log' && itemHeader.type !== 'otel_log') || !isRecord(payload)) continue;
    const isContainer = itemHeader.content_type === LOG_V2_CONTENT_TYPE || Array.isArray(payload.items);
    const lines = isContainer ? (Array.isArray(payload.items) ? payload.items : []) : [payload];
    for (const line of lines) {
      if (isRecord(line)) out.push(logRow(line, header, stored, out.length));
    }
  }
  return out;
}

interface LogsState {
  /** Given: only the lines this selection shows (see visibility.ts). */
  readonly visibility: Visibility | undefined;
  /** Newest first, as last published. */
  rows: readonly LogRow[];
  /** Lines that arrived since, oldest first. */
  added: LogRow[];
  /** The lines each envelope gave (those the visibility showed when it arrived), and which envelopes arrived since. */
  readonly kept: Map<StoredEnvelope, readonly LogRow[]>;
  readonly addedFrom: Set<StoredEnvelope>;
  /** Lines of dropped envelopes: published ones, and ones that arrived since. */
  readonly dropped: Set<LogRow>;
  readonly droppedNew: Set<LogRow>;
  out: readonly LogRow[] | undefined;
}

/** Newer first; among lines of the same time, the one that arrived later first. */
function mergeNewestFirst(newer: readonly LogRow[], rows: readonly LogRow[], dropped: ReadonlySet<LogRow>): LogRow[] {
  const out: LogRow[] = [];
  let i = 0;
  let j = 0;
  while (i < newer.length || j < rows.length) {
    const a = newer[i];
    const b = rows[j];
    if (a !== undefined && (b === undefined || a.timestamp >= b.timestamp)) {
      out.push(a);
      i += 1;
    } else if (b !== undefined) {
      if (!dropped.has(b)) out.push(b);
      j += 1;
    }
  }
  return out;
}

function shows(state: LogsState, row: LogRow): boolean {
  return state.visibility === undefined || isRowVisible(state.visibility, row);
}

/**
 * Every log line, newest first (by the SDK's timestamp; among equal ones, later arrivals first). Lines that
 * arrive are sorted among themselves and merged in; when they are all newer (the usual case) they go in
 * front of the list as it is, and dropped ones usually come off its end. With a visibility (see
 * visibility.ts), only the lines it shows.
 */
export const logs: Derivation<LogsState, readonly LogRow[], Visibility | undefined> = {
  name: 'logs',
  create: (_ctx, visibility) => ({
    visibility,
    rows: [],
    added: [],
    kept: new Map(),
    addedFrom: new Set(),
    dropped: new Set(),
    droppedNew: new Set(),
    out: [],
  }),
  add(state, entry, ctx) {
    const rows = ctx.of(logsOfEnvelope, entry).filter((row) => shows(state, row));
    if (rows.length === 0) return;
    state.kept.set(entry, rows);
    state.addedFrom.add(entry);
    state.added.push(...rows);
    state.out = undefined;
  },
  remove(state, entry) {
    // What was taken in then, not what the visibility says now (the trace may have gone with this envelope).
    const rows = state.kept.get(entry);
    if (rows === undefined) return;
    state.kept.delete(entry);
    const into = state.addedFrom.has(entry) ? state.droppedNew : state.dropped;
    for (const row of rows) into.add(row);
    state.out = undefined;
  },
  result(state) {
    if (state.out !== undefined) return state.out;
    // Sort is stable: reversing first puts later arrivals first among equal timestamps.
    let newer = state.added.reverse().sort((a, b) => b.timestamp - a.timestamp);
    if (state.droppedNew.size > 0) newer = newer.filter((row) => !state.droppedNew.has(row));
    let rows = state.rows;
    if (state.dropped.size > 0) {
      let end = rows.length;
      while (end > 0 && state.dropped.has(rows[end - 1] as LogRow)) end -= 1;
      rows = rows.length - end === state.dropped.size ? rows.slice(0, end) : mergeNewestFirst([], rows, state.dropped);
    }
    const first = rows[0];
    const oldestNew = newer[newer.length - 1];
    if (oldestNew === undefined) state.out = rows;
    else if (first === undefined || oldestNew.timestamp >= first.timestamp) state.out = newer.concat(rows);
    else state.out = mergeNewestFirst(newer, rows, new Set());
    state.rows = state.out;
    state.added = [];
    state.addedFrom.clear();
    state.dropped.clear();
    state.droppedNew.clear();
    return state.out;
  },
};

/** The log lines a selection shows (see visibility.ts). */
export const visibleLogs = visibleOnly(logs);

/** Attributes a developer set, without the SDK's own (`sentry.*`, `server.address`). */
export function userAttributes(attributes: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(attributes).filter(([key]) => !key.startsWith('sentry.') && key !== 'server.address');
}
