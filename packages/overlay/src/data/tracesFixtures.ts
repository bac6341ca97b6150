// Test support: captured envelopes (fixtures/) as the overlay's store holds them.
import { readFileSync } from 'node:fs';
import { parseEnvelope, toWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import { createDeriver, type Derivation } from './derive.ts';
import type { StoredEnvelope } from './store.ts';

const FIXTURES = new URL('../../../../fixtures/', import.meta.url);

/** A captured envelope after the SSE hop, e.g. `wireFixture('sentry-node-11.12/span.envelope')`. */
export function wireFixture(name: string): WireEnvelope {
  return toWireEnvelope(parseEnvelope(new Uint8Array(readFileSync(new URL(name, FIXTURES)))));
}

/** A stored envelope from a fixture; `edit` changes a deep copy (to derive variants from real data). */
export function storedFixture(name: string, id: string, receivedAt: number, edit?: (envelope: WireEnvelope) => void): StoredEnvelope {
  const envelope = structuredClone(wireFixture(name));
  edit?.(envelope);
  return { id, receivedAt, envelope };
}

/** The payload of an envelope's first item, for edits. */
export function firstPayload<T = Record<string, unknown>>(envelope: WireEnvelope): T {
  return envelope[1][0]?.[1] as T;
}

/** Reads derivations of one envelope array through one deriver (as a store reads its snapshot). */
export function deriveFrom(envelopes: readonly StoredEnvelope[]): <S, R, P>(derivation: Derivation<S, R, P>, param: P) => R {
  const deriver = createDeriver();
  return (derivation, param) => deriver.read(derivation, envelopes, param);
}
