import { errorEventsOf } from './grouping.ts';
import { sdkOfEnvelope } from './sdks.ts';
import { sessionFactsOf } from './sessions.ts';
import type { StoredEnvelope } from './store.ts';

/**
 * Derives, as one envelope arrives, what the views read of it alone: its error events, spans,
 * errors and logs by trace, its SDK, its session facts. Each is cached per envelope, so a render
 * after a burst only joins them. A sidecar's replay of thousands of envelopes is read in slices that
 * hand the thread back every 25 ms: derived there, that work is spread over those slices instead of
 * landing in a single render of several hundred ms.
 */
export function prepareEnvelope(stored: StoredEnvelope): void {
  errorEventsOf(stored);
  sdkOfEnvelope(stored);
  sessionFactsOf(stored);
}
