import { LOG_V2_CONTENT_TYPE } from '@spotlight/envelope';
import { AttributeBuilder, plainValue, type TypedAttributes } from './attributes.ts';
import { type Conversion, containerEnvelopes, emptyConversion } from './envelopes.ts';
import { validId } from './ids.ts';
import type { ExportLogsServiceRequest, InstrumentationScope, LogRecord } from './model.ts';
import { type ResourceInfo, resourceInfo } from './resource.ts';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A log-v2 item, as `@sentry/node` 11 sends them. */
interface LogV2 {
  timestamp: number;
  level: Level;
  body: string;
  trace_id?: string;
  span_id?: string;
  severity_number?: number;
  attributes: TypedAttributes;
}

const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Severity text as logging libraries spell it, when the number is missing. */
const TEXT_LEVELS: Readonly<Record<string, Level>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
};

/** OpenTelemetry severity numbers: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
function levelOf(record: LogRecord): Level {
  const number = record.severityNumber;
  if (number >= 1 && number <= 24) return LEVELS[Math.floor((number - 1) / 4)] ?? 'info';
  return TEXT_LEVELS[record.severityText.toLowerCase()] ?? 'info';
}

/** The body as text: strings as they are, any other value (a map, an array, bytes) as its JSON. */
function bodyText(record: LogRecord): string {
  const value = plainValue(record.body);
  if (typeof value === 'string') return value;
  return value === null ? '' : JSON.stringify(value);
}

function logItem(record: LogRecord, resource: ResourceInfo, scope: InstrumentationScope | undefined): LogV2 {
  const attributes = new AttributeBuilder()
    .addAll(record.attributes)
    .addScopeDefaults(scope)
    .addDefaults(resource.attributes)
    .setStringDefault('event.name', record.eventName)
    .setStringDefault('sentry.origin', 'auto.otlp.logs')
    .setStringDefault('sentry.release', resource.release)
    .setStringDefault('sentry.environment', resource.environment)
    .setString('otel.severity_text', record.severityText);
  if (record.droppedAttributesCount > 0) attributes.setInteger('otel.dropped_attributes_count', record.droppedAttributesCount);
  const time = record.timeUnixNano > 0n ? record.timeUnixNano : record.observedTimeUnixNano;
  const item: LogV2 = {
    timestamp: time > 0n ? Number(time) / 1e9 : Date.now() / 1000,
    level: levelOf(record),
    body: bodyText(record),
    attributes: attributes.build(),
  };
  const severity = record.severityNumber;
  if (severity >= 1 && severity <= 24) item.severity_number = severity;
  // Ids that are not valid ones link to nothing: the record stays, without them.
  const traceId = validId(record.traceId, 16);
  if (typeof traceId === 'string') item.trace_id = traceId;
  const spanId = validId(record.spanId, 8);
  if (typeof spanId === 'string') item.span_id = spanId;
  return item;
}

/**
 * Converts an OTLP logs export into envelopes of log-v2 items, one envelope (or more, past the item
 * limit) per service (resource). Every record has something to show, so none is refused.
 */
export function convertLogs(request: ExportLogsServiceRequest, maxItems: number): Conversion {
  const conversion = emptyConversion();
  for (const resourceLogs of request.resourceLogs) {
    const resource = resourceInfo(resourceLogs.resource);
    const items: LogV2[] = [];
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) items.push(logItem(record, resource, scopeLogs.scope));
    }
    conversion.envelopes.push(...containerEnvelopes({ sdk: resource.sdk }, 'log', LOG_V2_CONTENT_TYPE, items, maxItems));
  }
  return conversion;
}
