/**
 * What the local copy lost, counted as Sentry's client reports count it (per reason and data category),
 * so that the count reaches the sidecar, and the overlay's SDKs view, as a `client_report` item of the
 * app's SDK: a bound that drops data says so where the developer looks.
 */
import type { SentryEnvelopeLike } from '../sentry.ts';

/** Sentry's outcome reasons for what Spotlight can lose: a full queue, no sidecar, a refusal (4xx). */
export type DropReason = 'queue_overflow' | 'network_error' | 'send_error';

/** One line of a client report's `discarded_events`. */
export interface DiscardedEvents {
  readonly reason: string;
  readonly category: string;
  readonly quantity: number;
}

/** What one envelope is worth in a client report: a data category and how many it holds. */
export interface Discard {
  readonly category: string;
  readonly quantity: number;
}

// Sentry's item type to data category table (`envelopeItemTypeToDataCategory` in @sentry/core, which the
// hooks do not import at run time: any SDK 8 to 11 may be the app's); other types are their own category.
const CATEGORY_OF_TYPE: Readonly<Record<string, string>> = {
  sessions: 'session',
  event: 'error',
  user_report: 'default',
  profile_chunk: 'profile',
  replay_event: 'replay',
  replay_recording: 'replay',
  check_in: 'monitor',
  raw_security: 'security',
  log: 'log_item',
  metric: 'trace_metric',
};

/** The data categories an envelope counts for (a span or log container counts each span or log). */
export function envelopeDiscards(envelope: SentryEnvelopeLike): Discard[] {
  const discards: Discard[] = [];
  for (const [header, payload] of envelope[1]) {
    const type = String(header.type);
    if (type === 'client_report') continue;
    const items = (payload as { items?: unknown } | null)?.items;
    const quantity = (type === 'span' || type === 'log') && Array.isArray(items) ? items.length : 1;
    discards.push({ category: CATEGORY_OF_TYPE[type] ?? type, quantity });
  }
  return discards;
}

/** Counts drops until they are reported; `take` hands the counts over and starts again. */
export class DropLedger {
  readonly #pending = new Map<string, DiscardedEvents>();

  record(reason: string, discards: readonly Discard[]): void {
    for (const { category, quantity } of discards) {
      if (quantity <= 0) continue;
      const key = `${reason}:${category}`;
      const before = this.#pending.get(key)?.quantity ?? 0;
      this.#pending.set(key, { reason, category, quantity: before + quantity });
    }
  }

  get pending(): boolean {
    return this.#pending.size > 0;
  }

  take(): DiscardedEvents[] {
    const taken = [...this.#pending.values()];
    this.#pending.clear();
    return taken;
  }

  /** A report that could not be delivered: its counts wait for the next one. */
  restore(discarded: readonly DiscardedEvents[]): void {
    for (const { reason, category, quantity } of discarded) this.record(reason, [{ category, quantity }]);
  }
}

/** A `client_report` envelope in the SDK's name, so that the overlay shows it on that SDK's row. */
export function clientReportEnvelope(
  discarded: readonly DiscardedEvents[],
  sdk: Readonly<Record<string, unknown>> | undefined,
  now: number,
): SentryEnvelopeLike {
  return [
    { sent_at: new Date(now).toISOString(), ...(sdk ? { sdk } : {}) },
    [[{ type: 'client_report' }, { timestamp: now / 1000, discarded_events: discarded }]],
  ];
}
