import { decodeWireEnvelope, type WireEnvelope } from '@spotlight/envelope';

export interface SidecarStream {
  /** Every envelope the sidecar streamed so far, replayed ones first. */
  readonly envelopes: WireEnvelope[];
  /** Payloads of the items of this type, in arrival order. */
  items(type: string): Record<string, unknown>[];
  /** Waits (bounded) until `check` holds; fails with what arrived. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Reads the sidecar's `GET /stream` as a viewer does: what the overlay, `tail` and MCP all get. */
export async function openSidecarStream(sidecarUrl: string): Promise<SidecarStream> {
  const abort = new AbortController();
  const response = await fetch(`${sidecarUrl}/stream`, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`GET ${sidecarUrl}/stream answered ${response.status}`);
  const envelopes: WireEnvelope[] = [];
  void (async () => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).replace(/^ /, ''))
            .join('\n');
          if (/^event: *application\/x-sentry-envelope$/m.test(frame) && data) envelopes.push(decodeWireEnvelope(data));
        }
      }
    } catch {
      // Closed.
    }
  })();
  const items = (type: string) =>
    envelopes.flatMap(([, list]) =>
      list.filter(([header]) => header.type === type).map(([, payload]) => payload as Record<string, unknown>),
    );
  return {
    envelopes,
    items,
    async until(check, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) {
          const types = envelopes.flatMap(([, list]) => list.map(([h]) => h.type));
          throw new Error(`timed out waiting for ${what}; ${envelopes.length} envelopes arrived (${types.join(', ')})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => abort.abort(),
  };
}

/** The exception value of an error event ("Error: <this>"). */
export function errorMessage(event: Record<string, unknown>): string | undefined {
  return (event.exception as { values?: { value?: string }[] } | undefined)?.values?.at(-1)?.value;
}
