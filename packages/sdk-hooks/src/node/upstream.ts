/**
 * The copy of an envelope that goes to the app's own DSN: what the app's configuration would have sent
 * had Spotlight not made the SDK record everything (see sampling.ts).
 */
import { TRACE_ITEM_TYPES } from '@spotlight/envelope';
import { SPOTLIGHT_DSC_KEY } from '../baggage.ts';
import type { SentryEnvelopeItemLike, SentryEnvelopeLike } from '../sentry.ts';
import type { UpstreamRules } from './sampling.ts';

/** The upstream copy, the same object when nothing changes, undefined when nothing is left. */
export function upstreamEnvelope(
  envelope: SentryEnvelopeLike,
  rules: UpstreamRules,
  random: () => number = Math.random,
): SentryEnvelopeLike | undefined {
  const [header, items] = envelope;
  const dsc = header.trace as Record<string, unknown> | undefined;
  const traceDropped = dsc?.sampled === 'false' || dsc?.sampled === false;
  let changed = false;
  const kept: SentryEnvelopeItemLike[] = [];
  for (const item of items) {
    const type = String(item[0].type);
    const drop =
      (TRACE_ITEM_TYPES.has(type) && traceDropped) ||
      (type === 'log' && !rules.logs) ||
      (type === 'event' && rules.errorSampleRate < 1 && random() >= rules.errorSampleRate);
    if (drop) changed = true;
    else
      kept.push(
        !dsc ? item : type === 'transaction' ? withAppSampleRate(item, dsc) : type === 'span' ? withAppSampleRateOnSpans(item, dsc) : item,
      );
  }
  if (kept.length === 0) return undefined;
  if (kept.some((item, i) => item !== items[i])) changed = true;
  let outHeader = header;
  if (dsc && SPOTLIGHT_DSC_KEY in dsc) {
    // The local sidecar's address is of no use to Sentry.
    const { [SPOTLIGHT_DSC_KEY]: _local, ...rest } = dsc;
    outHeader = { ...header, trace: rest };
    changed = true;
  }
  return changed ? [outHeader, kept] : envelope;
}

/** A transaction records its root's sample rate (1 after Spotlight forced it); upstream gets the app's. */
function withAppSampleRate(item: SentryEnvelopeItemLike, dsc: Record<string, unknown>): SentryEnvelopeItemLike {
  const rate = Number(dsc.sample_rate);
  const payload = item[1] as { contexts?: { trace?: { data?: Record<string, unknown> } } } | undefined;
  const data = payload?.contexts?.trace?.data;
  if (!Number.isFinite(rate) || !data || data['sentry.sample_rate'] === undefined || data['sentry.sample_rate'] === rate) return item;
  const trace = payload.contexts?.trace;
  return [item[0], { ...payload, contexts: { ...payload.contexts, trace: { ...trace, data: { ...data, 'sentry.sample_rate': rate } } } }];
}

type SpanV2 = { attributes?: Record<string, { value: unknown; type?: string }> };

/** Span-v2 containers (SDK 11) carry the root's sample rate as the `sentry.sample_rate` attribute. */
function withAppSampleRateOnSpans(item: SentryEnvelopeItemLike, dsc: Record<string, unknown>): SentryEnvelopeItemLike {
  const rate = Number(dsc.sample_rate);
  const payload = item[1] as { items?: SpanV2[] } | undefined;
  const spans = payload?.items;
  if (!Number.isFinite(rate) || !Array.isArray(spans)) return item;
  const stale = (span: SpanV2) =>
    span.attributes?.['sentry.sample_rate'] !== undefined && span.attributes['sentry.sample_rate'].value !== rate;
  if (!spans.some(stale)) return item;
  const type = Number.isInteger(rate) ? 'integer' : 'double';
  const items = spans.map((span) =>
    stale(span) ? { ...span, attributes: { ...span.attributes, 'sentry.sample_rate': { value: rate, type } } } : span,
  );
  return [item[0], { ...payload, items }];
}
