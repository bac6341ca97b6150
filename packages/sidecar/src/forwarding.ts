import type { IngestedEnvelope } from './envelopeStore.ts';
import type { EnvelopeListener } from './ingest.ts';
import type { Logger } from './logger.ts';
import { isLoopbackHostname } from './origins.ts';

export interface Forwarding {
  /** The forwarders' envelope endpoints. */
  readonly endpoints: readonly string[];
  readonly listeners: readonly EnvelopeListener[];
  close(): Promise<void>;
}

/**
 * `--forward <dsn>`: one forwarder per DSN, fed by the envelope listener hook, keeping `sampleRate`
 * of the traces (`--forward-sample-rate`). The forwarder module is loaded only when a DSN is given.
 * Throws (a DsnError with a one-line reason) on a bad DSN.
 */
export async function createForwarding(dsns: readonly string[], log: Logger, sampleRate = 1): Promise<Forwarding> {
  if (dsns.length === 0) return { endpoints: [], listeners: [], close: async () => {} };
  const { createForwarder } = await import('./forward.ts');
  const forwarders = dsns.map((dsn) => createForwarder({ dsn, sampleRate, log: (line) => log.warn(line) }));
  const sampled = sampleRate < 1 ? ` (${sampleRate * 100} % of traces)` : '';
  for (const forwarder of forwarders) log.info(`forwarding every envelope to ${forwarder.endpoint}${sampled}`);
  return {
    endpoints: forwarders.map((forwarder) => forwarder.endpoint),
    listeners: forwarders.map((forwarder) => (stored: IngestedEnvelope) => forwarder.forward(stored.envelope, stored.bytes)),
    close: async () => {
      await Promise.all(forwarders.map((forwarder) => forwarder.close()));
    },
  };
}

/**
 * Whether an envelope endpoint is this sidecar itself (its port, on loopback or on the address it
 * is bound to): forwarding there would send every envelope back to itself, forever.
 */
export function isOwnEndpoint(endpoint: string, port: number, host: string | undefined): boolean {
  const url = new URL(endpoint);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const endpointPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (endpointPort !== port) return false;
  return isLoopbackHostname(hostname) || hostname === host?.toLowerCase() || hostname === '0.0.0.0' || hostname === '::';
}
