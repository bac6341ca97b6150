/**
 * Sentry's Dedupe integration drops an error identical to the previous one (same type, message and
 * frames), so that an error captured twice (by a framework handler and by the app) is sent once. It
 * cannot tell that from the same error happening again: reloading a failing page makes a new request
 * fail the same way, and Dedupe drops it too, so the issue Spotlight shows never counts up. For the local
 * copy, an error Dedupe drops is kept when it is a new occurrence, not a second capture: it happened in
 * another trace than the error before it (the span it happened in belongs to a new request or job), or
 * the code that captured it knows it is one (the Express error page: each error it handles failed a request of its own). The upstream
 * copy leaves it out, as the app's own configuration would.
 */
import type { SentryEnvelopeLike } from '../sentry.ts';

interface EventLike {
  event_id?: unknown;
  type?: unknown;
  contexts?: { trace?: { trace_id?: unknown } };
}

type Processor = ((event: EventLike, hint: unknown) => unknown) & { id?: unknown };

const DEDUPE = 'Dedupe';

const occurrences = new WeakSet<object>();

/** Says that `error`, when captured, is a new occurrence: the local copy keeps it even if Dedupe drops it. */
export function markNewOccurrence(error: object): void {
  occurrences.add(error);
}

function isMarked(hint: unknown): boolean {
  const original = (hint as { originalException?: unknown } | undefined)?.originalException;
  return typeof original === 'object' && original !== null && occurrences.has(original);
}

function traceIdOf(event: EventLike): string | undefined {
  const id = event.contexts?.trace?.trace_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Wraps the client's Dedupe processor (once it is set up): `kept` gets the id of each error kept for the
 * local copy only. False while the client has no Dedupe processor (not set up yet, or left out by the app).
 */
export function keepRepeatedErrors(client: object, kept: (eventId: string) => void): boolean {
  const processors = (client as { getEventProcessors?(): unknown }).getEventProcessors?.();
  if (!Array.isArray(processors)) return false;
  const index = processors.findIndex((p) => typeof p === 'function' && (p as Processor).id === DEDUPE);
  const dedupe = processors[index] as Processor | undefined;
  if (!dedupe || (dedupe as { spotlight?: unknown }).spotlight) return dedupe !== undefined;
  let lastTrace: string | undefined;
  const wrapped = (event: EventLike, hint: unknown): unknown => {
    const result = dedupe(event, hint);
    if (event.type !== undefined) return result;
    const trace = traceIdOf(event);
    const newOccurrence = isMarked(hint) || (trace !== undefined && trace !== lastTrace);
    if (result === null && newOccurrence && typeof event.event_id === 'string') {
      kept(event.event_id);
      lastTrace = trace;
      return event;
    }
    if (result !== null) lastTrace = trace;
    return result;
  };
  processors[index] = Object.assign(wrapped, { id: DEDUPE, spotlight: true });
  return true;
}

/** The upstream copy without the errors kept for the local copy only (an id is forgotten once seen). */
export function withoutLocalOnly(envelope: SentryEnvelopeLike, localOnly: Set<string>): SentryEnvelopeLike | undefined {
  if (localOnly.size === 0) return envelope;
  const [header, items] = envelope;
  const kept = items.filter(([itemHeader, payload]) => {
    const id = (payload as EventLike | null)?.event_id;
    if (itemHeader.type !== 'event' || typeof id !== 'string' || !localOnly.has(id)) return true;
    localOnly.delete(id);
    return false;
  });
  if (kept.length === items.length) return envelope;
  return kept.length > 0 ? [header, kept] : undefined;
}
