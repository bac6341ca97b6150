/**
 * "Unsampled": the SDK records every trace, so that Spotlight sees all of them, while the copy that goes
 * to the app's own DSN keeps the app's sampling. The sampler is replaced by one that always says yes and
 * remembers what the app's configuration would have said; that decision is written into the trace's
 * dynamic sampling context (`sampled`, `sample_rate`, `sample_rand`), which travels with the trace to
 * other services in `baggage` and sits in the header of every envelope of the trace. The upstream copy
 * drops trace items whose context says `sampled=false` (upstream.ts): one decision per trace, taken
 * where the trace started, exactly as Sentry's head sampling does.
 */
import { parseSampleRate, traceSampleRand } from '@spotlight/envelope';
import type { SentryClientLike } from '../sentry.ts';

/** What the upstream copy must honour beyond the per-trace decision. */
export interface UpstreamRules {
  /** The app's error sample rate (`sampleRate`). */
  readonly errorSampleRate: number;
  /** Whether the app sends logs to Sentry (Spotlight turns them on locally). */
  readonly logs: boolean;
}

interface SamplingOptions {
  tracesSampleRate?: unknown;
  tracesSampler?: unknown;
  enableTracing?: unknown;
  sampleRate?: unknown;
  enableLogs?: unknown;
  _experiments?: { enableLogs?: unknown };
}

interface SamplingContext {
  readonly parentSampled?: unknown;
}

type DscLike = Record<string, unknown>;

/** Makes the client record everything; returns the rules for the upstream copy. */
export function forceLocalSampling(client: SentryClientLike): UpstreamRules {
  const options = client.getOptions() as SamplingOptions;
  const userSampler = typeof options.tracesSampler === 'function' ? (options.tracesSampler as (context: unknown) => unknown) : undefined;
  const configuredRate = parseSampleRate(options.tracesSampleRate) ?? (options.enableTracing === true ? 1 : undefined);
  // An app without tracing configured sends no traces upstream, whatever Spotlight records.
  const defaultRate = configuredRate ?? 0;
  const decidedRates = new WeakMap<object, number>();
  let pending: number | undefined;

  const appRate = (context: SamplingContext): number => {
    if (userSampler) {
      try {
        const rate = parseSampleRate(userSampler(context));
        if (rate !== undefined) return rate;
      } catch {
        // The SDK falls back to the parent's decision or the rate when the sampler throws; so do we.
      }
    }
    if (typeof context?.parentSampled === 'boolean') return context.parentSampled ? 1 : 0;
    return defaultRate;
  };

  (options as { tracesSampler: unknown }).tracesSampler = (context: SamplingContext) => {
    pending = appRate(context);
    return 1;
  };
  const writeDecision = (dsc: DscLike, rootSpan?: object) => {
    // A context made from a scope (an error outside any span) carries no trace decision.
    if (!rootSpan) return;
    const rate = decidedRates.get(rootSpan) ?? defaultRate;
    const rand = traceSampleRand(dsc.trace_id, dsc.sample_rand);
    if (rand === undefined) return;
    // SDK 8 has no sample_rand: add ours so that every service and the sidecar decide alike.
    if (dsc.sample_rand === undefined) dsc.sample_rand = String(rand);
    dsc.sample_rate = String(rate);
    dsc.sampled = String(rand < rate);
  };
  client.on('createDsc', writeDecision);
  // SDK 8-10 register their own createDsc hook after the integrations (in Sentry.init), and it rewrites
  // `sampled`. Spans start only after init, so registering again at the first span makes ours the last
  // word (hooks run in the order they were added; writing twice is harmless).
  let registeredLast = false;
  // The SDK starts the span right after asking the sampler (synchronously), so the pending decision
  // belongs to the next span that starts.
  client.on('spanStart', (span: object) => {
    if (!registeredLast) {
      registeredLast = true;
      client.on('createDsc', writeDecision);
    }
    if (pending === undefined) return;
    decidedRates.set(span, pending);
    pending = undefined;
  });

  const errorSampleRate = parseSampleRate(options.sampleRate) ?? 1;
  if (errorSampleRate < 1) options.sampleRate = 1;

  // SDK 9 has logs under _experiments, 10 as enableLogs (resolved to a boolean by the client), 11 always.
  const logs = options.enableLogs ?? options._experiments?.enableLogs ?? true;
  if (logs !== true) {
    options.enableLogs = true;
    options._experiments = { ...options._experiments, enableLogs: true };
  }
  return { errorSampleRate, logs: logs === true };
}
