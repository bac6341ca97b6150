import type { IngestedEnvelope } from './envelopeStore.ts';
import type { EnvelopeListener } from './ingest.ts';
import type { Logger } from './logger.ts';

export interface Forwarding {
  readonly listeners: readonly EnvelopeListener[];
  close(): Promise<void>;
}

/**
 * `--forward <dsn>`: one forwarder per DSN, fed by the envelope listener hook, keeping `sampleRate`
 * of the traces (`--forward-sample-rate`). The forwarder module is loaded only when a DSN is given.
 * Throws (a DsnError with a one-line reason) on a bad DSN.
 */
export async function createForwarding(dsns: readonly string[], log: Logger, sampleRate = 1): Promise<Forwarding> {
  if (dsns.length === 0) return { listeners: [], close: async () => {} };
  const { createForwarder } = await import('./forward.ts');
  const forwarders = dsns.map((dsn) => createForwarder({ dsn, sampleRate, log: (line) => log.warn(line) }));
  const sampled = sampleRate < 1 ? ` (${sampleRate * 100} % of traces)` : '';
  for (const forwarder of forwarders) log.info(`forwarding every envelope to ${forwarder.endpoint}${sampled}`);
  return {
    listeners: forwarders.map((forwarder) => (stored: IngestedEnvelope) => forwarder.forward(stored.envelope, stored.bytes)),
    close: async () => {
      await Promise.all(forwarders.map((forwarder) => forwarder.close()));
    },
  };
}
