/**
 * The app's own transport carries the upstream copy (with the app's sampling restored) and waits for
 * the local copy on flush; with no DSN there is no transport, and one that sends nothing is installed.
 */
import type { SentryClientLike, SentryEnvelopeLike, SentryTransportLike } from '../sentry.ts';

export type TransportMode = 'wrapped' | 'installed' | 'unavailable';

export function attachTransport(
  client: SentryClientLike,
  upstream: (envelope: SentryEnvelopeLike) => SentryEnvelopeLike | undefined,
  flushLocal: (timeoutMs?: number) => Promise<boolean>,
  /** Every envelope handed to the transport (profile chunks come this way only, not through `beforeEnvelope`). */
  sent: (envelope: SentryEnvelopeLike) => void = () => {},
): TransportMode {
  const transport = client.getTransport();
  if (transport) {
    const send = transport.send.bind(transport);
    const flush = transport.flush.bind(transport);
    transport.send = (envelope) => {
      sent(envelope);
      let copy: SentryEnvelopeLike | undefined = envelope;
      try {
        copy = upstream(envelope);
      } catch {
        // Filtering must never lose the app's data: send it as the SDK made it.
      }
      return copy ? send(copy) : Promise.resolve({});
    };
    transport.flush = async (timeout) => {
      const [remote, local] = await Promise.all([flush(timeout), flushLocal(timeout)]);
      return remote && local;
    };
    return 'wrapped';
  }
  // Without a DSN the SDK has no transport and considers itself disabled: it still builds envelopes,
  // but stops propagating traces (no sentry-trace/baggage on outgoing requests), so services would not
  // join one trace. A transport that sends nothing upstream makes it enabled; the local copy travels
  // through the `beforeEnvelope` hook as always. `_transport` is where SDK 8 to 11 keep it.
  const local: SentryTransportLike = {
    send: (envelope) => {
      sent(envelope);
      return Promise.resolve({});
    },
    flush: (timeout) => flushLocal(timeout),
  };
  (client as unknown as { _transport?: SentryTransportLike })._transport = local;
  return client.getTransport() === local ? 'installed' : 'unavailable';
}
