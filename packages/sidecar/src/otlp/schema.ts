import {
  type AnyValue,
  EMPTY_VALUE,
  type ExportLogsServiceRequest,
  type ExportTraceServiceRequest,
  type InstrumentationScope,
  type KeyValue,
  type LogRecord,
  type Resource,
  type ResourceLogs,
  type ResourceSpans,
  type ScopeLogs,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanLink,
  type Status,
} from './model.ts';

// The OTLP messages of model.ts, field by field: number and type, as the OpenTelemetry protocol
// (opentelemetry-proto v1) defines them. Both readers, protobuf.ts and json.ts, walk these tables;
// a field that is not listed is skipped like an unknown one. AnyValue is read by code of its own in
// each reader (a oneof, and the one message that nests without end), its ArrayValue and KeyValueList
// (field 1, `values`) with it.

/**
 * How a field is encoded. `id` is `bytes` holding a trace or span id (hex text in OTLP/JSON); `value`
 * an AnyValue; `enum` an `int32` varint (a number or the value's name in JSON).
 */
export type ScalarType = 'string' | 'id' | 'uint32' | 'fixed32' | 'enum' | 'fixed64' | 'value';

export interface Field {
  readonly number: number;
  /** The model's property, which is the OTLP/JSON name (lowerCamelCase). */
  readonly name: string;
  /** The protocol's name (snake_case): in error messages, and accepted in JSON too. */
  readonly protoName: string;
  readonly type: ScalarType | MessageSchema<unknown>;
  readonly repeated: boolean;
  /** For `enum`: the value names, by number. */
  readonly enumNames?: readonly string[];
}

export interface MessageSchema<T> {
  /** The message's name in the protocol, for error messages. */
  readonly name: string;
  readonly fields: readonly Field[];
  /** Indexed by field number. */
  readonly byNumber: readonly (Field | undefined)[];
  /** By JSON key, in either spelling. */
  readonly byJsonKey: ReadonlyMap<string, Field>;
  /** A message with every field at its default, for a reader to fill in. */
  create(): T;
}

interface List<T> {
  readonly list: MessageSchema<T>;
}
const list = <T>(schema: MessageSchema<T>): List<T> => ({ list: schema });

/** The table entry a property of type V may have: its type must match the field's. */
type FieldSpec<V> = [V] extends [Uint8Array]
  ? readonly [number, 'id']
  : [V] extends [readonly (infer Item)[]]
    ? readonly [number, List<Item>]
    : [V] extends [string]
      ? readonly [number, 'string']
      : [V] extends [number]
        ? readonly [number, 'uint32' | 'fixed32'] | readonly [number, 'enum', readonly string[]]
        : [V] extends [bigint]
          ? readonly [number, 'fixed64']
          : [V] extends [AnyValue]
            ? readonly [number, 'value']
            : readonly [number, MessageSchema<Exclude<V, undefined>>];

type FieldSpecs<T> = { readonly [K in keyof T]-?: FieldSpec<T[K]> };

const NO_BYTES = new Uint8Array(0);

function defaultOf(field: Field): unknown {
  if (field.repeated) return [];
  switch (field.type) {
    case 'string':
      return '';
    case 'id':
      return NO_BYTES;
    case 'uint32':
    case 'fixed32':
    case 'enum':
      return 0;
    case 'fixed64':
      return 0n;
    case 'value':
      return EMPTY_VALUE;
    default:
      return undefined;
  }
}

const snakeCase = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function message<T>(name: string, specs: FieldSpecs<T>): MessageSchema<T> {
  const fields = Object.entries(specs).map(([key, spec]): Field => {
    const [number, type, enumNames] = spec as readonly [number, ScalarType | MessageSchema<unknown> | List<unknown>, (readonly string[])?];
    const repeated = typeof type === 'object' && 'list' in type;
    return { number, name: key, protoName: snakeCase(key), type: repeated ? type.list : type, repeated, enumNames };
  });
  const byNumber: (Field | undefined)[] = [];
  const byJsonKey = new Map<string, Field>();
  for (const field of fields) {
    byNumber[field.number] = field;
    byJsonKey.set(field.name, field).set(field.protoName, field);
  }
  return {
    name,
    fields,
    byNumber: Array.from(byNumber),
    byJsonKey,
    create: () => {
      const created: Record<string, unknown> = {};
      for (const field of fields) created[field.name] = defaultOf(field);
      return created as T;
    },
  };
}

export const KEY_VALUE = message<KeyValue>('KeyValue', {
  key: [1, 'string'],
  value: [2, 'value'],
});

const RESOURCE = message<Resource>('Resource', {
  attributes: [1, list(KEY_VALUE)],
});

const SCOPE = message<InstrumentationScope>('InstrumentationScope', {
  name: [1, 'string'],
  version: [2, 'string'],
  attributes: [3, list(KEY_VALUE)],
});

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].map((kind) => `SPAN_KIND_${kind}`);

const STATUS = message<Status>('Status', {
  message: [2, 'string'],
  code: [3, 'enum', ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']],
});

const EVENT = message<SpanEvent>('Span.Event', {
  timeUnixNano: [1, 'fixed64'],
  name: [2, 'string'],
  attributes: [3, list(KEY_VALUE)],
});

const LINK = message<SpanLink>('Span.Link', {
  traceId: [1, 'id'],
  spanId: [2, 'id'],
  attributes: [4, list(KEY_VALUE)],
  flags: [6, 'fixed32'],
});

const SPAN = message<Span>('Span', {
  traceId: [1, 'id'],
  spanId: [2, 'id'],
  parentSpanId: [4, 'id'],
  flags: [16, 'fixed32'],
  name: [5, 'string'],
  kind: [6, 'enum', SPAN_KINDS],
  startTimeUnixNano: [7, 'fixed64'],
  endTimeUnixNano: [8, 'fixed64'],
  attributes: [9, list(KEY_VALUE)],
  droppedAttributesCount: [10, 'uint32'],
  events: [11, list(EVENT)],
  droppedEventsCount: [12, 'uint32'],
  links: [13, list(LINK)],
  droppedLinksCount: [14, 'uint32'],
  status: [15, STATUS],
});

const SCOPE_SPANS = message<ScopeSpans>('ScopeSpans', {
  scope: [1, SCOPE],
  spans: [2, list(SPAN)],
});

const RESOURCE_SPANS = message<ResourceSpans>('ResourceSpans', {
  resource: [1, RESOURCE],
  scopeSpans: [2, list(SCOPE_SPANS)],
});

export const TRACES_REQUEST = message<ExportTraceServiceRequest>('ExportTraceServiceRequest', {
  resourceSpans: [1, list(RESOURCE_SPANS)],
});

/** SEVERITY_NUMBER_UNSPECIFIED, then TRACE, TRACE2, TRACE3, TRACE4, DEBUG... FATAL4 (1 to 24). */
const SEVERITY_NUMBERS = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((step) => `SEVERITY_NUMBER_${level}${step}`),
  ),
];

const LOG_RECORD = message<LogRecord>('LogRecord', {
  timeUnixNano: [1, 'fixed64'],
  observedTimeUnixNano: [11, 'fixed64'],
  severityNumber: [2, 'enum', SEVERITY_NUMBERS],
  severityText: [3, 'string'],
  body: [5, 'value'],
  attributes: [6, list(KEY_VALUE)],
  droppedAttributesCount: [7, 'uint32'],
  traceId: [9, 'id'],
  spanId: [10, 'id'],
  eventName: [12, 'string'],
});

const SCOPE_LOGS = message<ScopeLogs>('ScopeLogs', {
  scope: [1, SCOPE],
  logRecords: [2, list(LOG_RECORD)],
});

const RESOURCE_LOGS = message<ResourceLogs>('ResourceLogs', {
  resource: [1, RESOURCE],
  scopeLogs: [2, list(SCOPE_LOGS)],
});

export const LOGS_REQUEST = message<ExportLogsServiceRequest>('ExportLogsServiceRequest', {
  resourceLogs: [1, list(RESOURCE_LOGS)],
});
