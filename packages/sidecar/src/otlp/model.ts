// The OTLP messages Spotlight reads, as plain data: what decode.ts makes of an OTLP/HTTP body,
// protobuf or JSON, and what the converters read. Field names are the OTLP/JSON ones (lowerCamelCase
// of the protocol's field names); a field missing from the request has its protobuf default (empty
// text, 0, no items). Fields Spotlight does not show (trace_state, schema_url, entity references...)
// are left out, and skipped by the decoder like unknown ones: schema.ts lists what is read.

/** `opentelemetry.proto.common.v1.AnyValue`, one variant per case of its `value`; `empty` when none is set. */
export type AnyValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'array'; readonly value: readonly AnyValue[] }
  | { readonly type: 'kvlist'; readonly value: readonly KeyValue[] }
  | { readonly type: 'empty' };

export const EMPTY_VALUE: AnyValue = Object.freeze({ type: 'empty' });

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

export interface Resource {
  readonly attributes: readonly KeyValue[];
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
}

/** `Span.SpanKind`. */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** `Status.StatusCode`. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface Status {
  readonly message: string;
  /** A StatusCode value (or another number a newer sender may use). */
  readonly code: number;
}

/** `Span.Event`. */
export interface SpanEvent {
  readonly timeUnixNano: bigint;
  readonly name: string;
  readonly attributes: readonly KeyValue[];
}

/** `Span.Link`. */
export interface SpanLink {
  /** 16 bytes when valid: ids are checked by the converters, which refuse or drop invalid ones with a reason. */
  readonly traceId: Uint8Array;
  /** 8 bytes when valid. */
  readonly spanId: Uint8Array;
  readonly attributes: readonly KeyValue[];
  /** W3C trace flags in bits 0-7; SpanFlags above. */
  readonly flags: number;
}

export interface Span {
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  /** Empty for a root span. */
  readonly parentSpanId: Uint8Array;
  /** W3C trace flags in bits 0-7; bit 8 says whether bit 9 (the parent is remote) is known. */
  readonly flags: number;
  readonly name: string;
  /** A SpanKind value. */
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLink[];
  readonly droppedLinksCount: number;
  readonly status: Status | undefined;
}

export interface ScopeSpans {
  readonly scope: InstrumentationScope | undefined;
  readonly spans: readonly Span[];
}

export interface ResourceSpans {
  readonly resource: Resource | undefined;
  readonly scopeSpans: readonly ScopeSpans[];
}

/** The body of `POST /v1/traces`. */
export interface ExportTraceServiceRequest {
  readonly resourceSpans: readonly ResourceSpans[];
}

export interface LogRecord {
  readonly timeUnixNano: bigint;
  readonly observedTimeUnixNano: bigint;
  /** A SeverityNumber value: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal; 0 unset. */
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  /** Empty, or 16 bytes when valid. */
  readonly traceId: Uint8Array;
  /** Empty, or 8 bytes when valid. */
  readonly spanId: Uint8Array;
  readonly eventName: string;
}

export interface ScopeLogs {
  readonly scope: InstrumentationScope | undefined;
  readonly logRecords: readonly LogRecord[];
}

export interface ResourceLogs {
  readonly resource: Resource | undefined;
  readonly scopeLogs: readonly ScopeLogs[];
}

/** The body of `POST /v1/logs`. */
export interface ExportLogsServiceRequest {
  readonly resourceLogs: readonly ResourceLogs[];
}
