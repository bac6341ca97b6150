import { LOG_V2_CONTENT_TYPE } from '@spotlight/envelope';
import { asNumber, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { type Service, serviceOfAttributes } from './sdksService.ts';
import type { StoredEnvelope } from './store.ts';
import { attributeValues, cachedPer, hexId, isRecord, memoizeLast } from './tracesPayload.ts';

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

/** The log lines of one envelope: log-v2 containers, and single log items of older SDKs. Cached per envelope. */
export const logsOfEnvelope = cachedPer((stored: StoredEnvelope): readonly LogRow[] => {
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
});

/** Every log line, newest first (by the SDK's timestamp; ties keep arrival order). */
export const selectLogs = memoizeLast((envelopes: readonly StoredEnvelope[]): readonly LogRow[] => {
  const rows: LogRow[] = [];
  for (const stored of envelopes) rows.push(...logsOfEnvelope(stored));
  // Sort is stable: reversing first puts later arrivals first among equal timestamps.
  return rows.reverse().sort((a, b) => b.timestamp - a.timestamp);
});

/** Attributes a developer set, without the SDK's own (`sentry.*`, `server.address`). */
export function userAttributes(attributes: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(attributes).filter(([key]) => !key.startsWith('sentry.') && key !== 'server.address');
}
