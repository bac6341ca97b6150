import { createEnvelope, createItem, type Envelope, type EnvelopeHeaders, type Item } from '@spotlight/envelope';

/** One envelope made from OTLP records, and how many of them it carries (counted as rejected if it cannot be stored). */
export interface ConvertedEnvelope {
  readonly envelope: Envelope;
  readonly records: number;
}

/** What a conversion made, and what it refused with its reasons (for the OTLP answer's partial success). */
export interface Conversion {
  readonly envelopes: ConvertedEnvelope[];
  rejected: number;
  readonly reasons: string[];
}

/** Records per span or log container: what Sentry's SDKs send at most in one item. */
export const MAX_CONTAINER_RECORDS = 1000;
/** Distinct reasons quoted in a partial-success message. */
const MAX_REASONS = 3;

export function emptyConversion(): Conversion {
  return { envelopes: [], rejected: 0, reasons: [] };
}

export function reject(conversion: Conversion, reason: string, count = 1): void {
  conversion.rejected += count;
  if (conversion.reasons.length < MAX_REASONS && !conversion.reasons.includes(reason)) conversion.reasons.push(reason);
}

/** The partial-success message: how many were refused and why (the first few distinct reasons). */
export function rejectionMessage(conversion: Conversion, noun: string): string {
  const more = conversion.rejected > 0 && conversion.reasons.length === MAX_REASONS ? '; ...' : '';
  return `Spotlight refused ${conversion.rejected} ${noun}${conversion.rejected === 1 ? '' : 's'}: ${conversion.reasons.join('; ')}${more}`;
}

/**
 * Envelopes holding `records` in containers of `contentType` (span-v2 or log-v2), at most
 * MAX_CONTAINER_RECORDS per container and `maxItems` containers per envelope (the sidecar's item limit).
 */
export function containerEnvelopes(
  header: EnvelopeHeaders,
  type: 'span' | 'log',
  contentType: string,
  records: readonly unknown[],
  maxItems: number,
): ConvertedEnvelope[] {
  const out: ConvertedEnvelope[] = [];
  let items: Item[] = [];
  let count = 0;
  const flush = () => {
    if (items.length === 0) return;
    out.push({ envelope: createEnvelope(header, items), records: count });
    items = [];
    count = 0;
  };
  for (let at = 0; at < records.length; at += MAX_CONTAINER_RECORDS) {
    const chunk = records.slice(at, at + MAX_CONTAINER_RECORDS);
    items.push(createItem({ type, item_count: chunk.length, content_type: contentType }, JSON.stringify({ version: 2, items: chunk })));
    count += chunk.length;
    if (items.length >= maxItems) flush();
  }
  flush();
  return out;
}

/** An error event in an envelope of its own, as Sentry's SDKs send one (an envelope holds at most one event). */
export function eventEnvelope(header: EnvelopeHeaders, event: Record<string, unknown>): Envelope {
  return createEnvelope({ ...header, event_id: event.event_id as string }, [createItem({ type: 'event' }, JSON.stringify(event))]);
}
