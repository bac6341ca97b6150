import type { IncomingMessage, ServerResponse } from 'node:http';
import { type SessionFileEntry, writeSessionFile } from '@spotlight/envelope';
import { buildSessions } from 'sentry-spotlight/data/sessions.ts';
import { createTraceSelector } from 'sentry-spotlight/data/traces.ts';
import type { EnvelopeStore } from '../envelopeStore.ts';
import { HttpError } from '../httpError.ts';
import type { SidecarRequest } from '../middleware/types.ts';
import { createStoreView, type ViewEnvelope } from '../view/envelopes.ts';

/** A POST names envelopes by id (36 characters each): this is room for about 25,000. */
const MAX_SELECTION_BYTES = 1024 * 1024;

/**
 * `GET /export`: what the sidecar holds as a session file (see sessionFile.ts in @spotlight/envelope),
 * each envelope byte for byte as received. `?trace=<id or prefix>` keeps one trace's envelopes,
 * `?session=<id>` one session's (`current`: the latest). `POST /export` with `{"ids": [...]}` keeps
 * the envelopes named (the overlay exports what the user selected so).
 */
export function exportSession(
  store: EnvelopeStore,
  now: () => number = Date.now,
): (req: SidecarRequest, res: ServerResponse) => Promise<void> {
  const view = createStoreView(store);
  const selectTraces = createTraceSelector();
  return async (req, res) => {
    const envelopes = view.envelopes();
    let wanted: ReadonlySet<string> | undefined;
    let name = 'spotlight';
    if (req.method === 'POST') {
      wanted = await readSelection(req);
      name = 'spotlight-selection';
    } else {
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const trace = query.get('trace')?.trim().toLowerCase();
      const session = query.get('session') ?? undefined;
      if (trace !== undefined) {
        const index = selectTraces(envelopes);
        const match =
          index.envelopesByTrace.get(trace) ?? [...index.envelopesByTrace].find(([id]) => trace.length >= 4 && id.startsWith(trace))?.[1];
        if (match === undefined) throw new HttpError(404, `no trace ${JSON.stringify(trace.slice(0, 64))} in the buffer`);
        wanted = new Set(match);
        name = `spotlight-trace-${trace.slice(0, 8)}`;
      } else if (session !== undefined) {
        const found = buildSessions({ envelopes }).byId.get(session);
        if (found === undefined) throw new HttpError(404, `no session ${JSON.stringify(session.slice(0, 100))} in the buffer`);
        wanted = found.envelopeIds;
        name = `spotlight-session-${session === 'current' ? 'current' : session.slice(-8)}`;
      }
    }
    const entries = entriesOf(store, envelopes, wanted);
    const exportedAt = now();
    const file = writeSessionFile(entries, { exportedAt });
    const stamp = new Date(exportedAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
    res.writeHead(200, {
      'Content-Type': 'application/x-sentry-envelope',
      'Content-Length': file.byteLength,
      'Content-Disposition': `attachment; filename="${name}-${stamp}.envelope"`,
      'X-Spotlight-Envelopes': String(entries.length),
      'Cache-Control': 'no-store',
      // The overlay reads these from a page of another origin (the app's).
      'Access-Control-Expose-Headers': 'Content-Disposition, X-Spotlight-Envelopes',
    });
    res.end(file);
  };
}

function entriesOf(store: EnvelopeStore, envelopes: readonly ViewEnvelope[], wanted: ReadonlySet<string> | undefined): SessionFileEntry[] {
  const entries: SessionFileEntry[] = [];
  for (const view of envelopes) {
    if (wanted !== undefined && !wanted.has(view.id)) continue;
    const stored = store.get(view.id);
    if (!stored) continue;
    const source = view.envelope[0].__spotlight_inferred_source;
    entries.push({ bytes: store.bytesOf(stored), receivedAt: stored.receivedAt, ...(typeof source === 'string' ? { source } : {}) });
  }
  return entries;
}

async function readSelection(req: IncomingMessage): Promise<ReadonlySet<string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SELECTION_BYTES) throw new HttpError(413, `the selection is over ${MAX_SELECTION_BYTES} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'send {"ids": ["<envelope id>", ...]} as JSON');
  }
  const ids = (body as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
    throw new HttpError(400, 'send {"ids": ["<envelope id>", ...]} as JSON');
  return new Set(ids as string[]);
}
