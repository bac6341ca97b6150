import { decodeWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import type { StoredEnvelope as ViewEnvelope } from 'sentry-spotlight/data/store.ts';
import type { EnvelopeStore, StoredEnvelope } from '../envelopeStore.ts';

export type { ViewEnvelope };

const DATA_FIELD = Buffer.from('\ndata: ');

/** The wire JSON of a stored envelope, read back from its SSE frame (`id:`, `event:`, `data: <json>`, blank line). */
export function wireEnvelopeOf(stored: StoredEnvelope): WireEnvelope {
  const frame = stored.frame;
  const at = frame.indexOf(DATA_FIELD);
  if (at < 0) throw new Error(`envelope ${stored.id} has no data line`);
  return decodeWireEnvelope(frame.toString('utf8', at + DATA_FIELD.length, frame.length - 2));
}

export interface StoreView {
  /** Oldest first. The same array while nothing changed; one that grows at its end while envelopes only arrive. */
  envelopes(): readonly ViewEnvelope[];
  /** The envelopes stored from sequence number `seq` on (see EnvelopeStore.endSeq). */
  from(seq: number): readonly ViewEnvelope[];
}

/**
 * What the sidecar holds, as the overlay's data layer reads it (issues, traces, logs), for the MCP
 * tools. Each envelope is decoded once; the overlay's selectors then derive only what is new.
 */
export function createStoreView(store: EnvelopeStore): StoreView {
  const decoded = new WeakMap<StoredEnvelope, ViewEnvelope>();
  const viewOf = (stored: StoredEnvelope): ViewEnvelope | undefined => {
    let view = decoded.get(stored);
    if (!view) {
      try {
        view = { id: stored.id, receivedAt: stored.receivedAt, envelope: wireEnvelopeOf(stored) };
      } catch {
        return undefined; // The sidecar wrote the frame itself, so this does not happen; if it did, one envelope is skipped, not all.
      }
      decoded.set(stored, view);
    }
    return view;
  };
  const range = (from: number): ViewEnvelope[] => {
    const out: ViewEnvelope[] = [];
    for (let seq = Math.max(from, store.startSeq); seq < store.endSeq; seq++) {
      const stored = store.at(seq);
      const view = stored && viewOf(stored);
      if (view) out.push(view);
    }
    return out;
  };
  let last: readonly ViewEnvelope[] = [];
  let lastStart = -1;
  let lastEnd = -1;
  return {
    envelopes() {
      if (store.startSeq !== lastStart || store.endSeq !== lastEnd) {
        last = range(store.startSeq);
        lastStart = store.startSeq;
        lastEnd = store.endSeq;
      }
      return last;
    },
    from: range,
  };
}
