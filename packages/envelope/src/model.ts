import type { BaseEnvelopeHeaders, BaseEnvelopeItemHeaders, EnvelopeItemType } from '@sentry/core';

/** Envelope headers as Sentry's SDKs declare them; unknown keys are kept. */
export type EnvelopeHeaders = BaseEnvelopeHeaders;

/**
 * Item headers. `type` is widened to any string: item types Sentry adds later (or private ones)
 * must be kept and passed on, not refused.
 */
export type ItemHeaders = Omit<BaseEnvelopeItemHeaders, 'type'> & { type: EnvelopeItemType | (string & {}) };

/**
 * One envelope item. The payload is kept as the exact bytes received; decode it with
 * `itemJson()` when it is JSON. `rawHeader` holds the header line as received so that
 * serializing a parsed envelope reproduces its bytes exactly; leave it out when building items.
 */
export interface Item {
  readonly header: ItemHeaders;
  readonly payload: Uint8Array;
  readonly rawHeader?: Uint8Array;
}

export interface Envelope {
  readonly header: EnvelopeHeaders;
  readonly items: readonly Item[];
  readonly rawHeader?: Uint8Array;
  /** Whether the input ended with a newline after its last payload (Python's SDK writes one, JS's does not). */
  readonly trailingNewline?: boolean;
}

/**
 * Item types whose payload is not JSON: kept as bytes everywhere, and shown on the SSE wire as
 * `{"data": "..."}` (text for text/plain and application/json content types, base64 otherwise),
 * which is what the published Spotlight sidecar does.
 */
export const RAW_ITEM_TYPES: ReadonlySet<string> = new Set(['attachment', 'replay_recording', 'replay_video', 'statsd']);

/** Item types whose payload must be valid JSON; an envelope carrying a broken one is refused. */
export const JSON_ITEM_TYPES: ReadonlySet<string> = new Set([
  'event',
  'transaction',
  'session',
  'sessions',
  'client_report',
  'user_report',
  'feedback',
  'profile',
  'profile_chunk',
  'replay_event',
  'check_in',
  'span',
  'log',
  'metric',
  'trace_metric',
  'raw_security',
]);
