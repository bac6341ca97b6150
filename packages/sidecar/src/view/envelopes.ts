import { parseEnvelope, toWireEnvelope, type StoredEnvelope as ViewEnvelope, type WireEnvelope } from '@spotlight/envelope';
import type { BufferedEnvelope, EnvelopeStore } from '../envelopeStore.ts';

export type { ViewEnvelope };

/** A stored envelope as a viewer reads it from the stream (the same JSON its frame carries). */
export function wireEnvelopeOf(store: EnvelopeStore, stored: BufferedEnvelope): WireEnvelope {
  // Its JSON payloads were validated when it was stored.
  const envelope = parseEnvelope(store.bytesOf(stored), { validateJsonPayloads: false });
  return toWireEnvelope(envelope, { __spotlight_envelope_id: stored.id, __spotlight_inferred_source: stored.source });
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
  const decoded = new WeakMap<BufferedEnvelope, ViewEnvelope>();
  const viewOf = (stored: BufferedEnvelope): ViewEnvelope | undefined => {
    let view = decoded.get(stored);
    if (!view) {
      try {
        view = { id: stored.id, receivedAt: stored.receivedAt, envelope: wireEnvelopeOf(store, stored) };
      } catch {
        return undefined; // The sidecar parsed these bytes when it stored them, so this does not happen; if it did, one envelope is skipped, not all.
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
