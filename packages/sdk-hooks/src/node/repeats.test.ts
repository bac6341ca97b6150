import { dedupeIntegration } from '@sentry/core';
import { describe, expect, it } from 'vitest';
import type { SentryEnvelopeLike } from '../sentry.ts';
import { keepRepeatedErrors, markNewOccurrence, withoutLocalOnly } from './repeats.ts';

type Processor = (event: Record<string, unknown>, hint: Record<string, unknown>) => unknown;

/** A client with Sentry's real Dedupe processor installed as the SDK installs it. */
function clientWithDedupe() {
  const dedupe = dedupeIntegration();
  const processors: Processor[] = [
    Object.assign((event: Record<string, unknown>) => event, { id: 'RequestData' }),
    Object.assign(
      (event: Record<string, unknown>, hint: Record<string, unknown>) => dedupe.processEvent?.(event as never, hint, {} as never),
      {
        id: 'Dedupe',
      },
    ),
  ];
  const run = (event: Record<string, unknown>, hint: Record<string, unknown> = {}) =>
    processors.reduce<unknown>(
      (current, processor) => (current === null ? null : processor(current as Record<string, unknown>, hint)),
      event,
    );
  return { client: { getEventProcessors: () => processors }, run };
}

const error = (eventId: string, traceId: string) => ({
  event_id: eventId,
  exception: {
    values: [{ type: 'RangeError', value: 'Year 1900', stacktrace: { frames: [{ filename: 'app.js', function: 'report', lineno: 3 }] } }],
  },
  contexts: { trace: { trace_id: traceId } },
});

describe('keepRepeatedErrors', () => {
  it('keeps for the local copy an error Dedupe drops when it is a new occurrence (another trace), and says which', () => {
    const { client, run } = clientWithDedupe();
    const kept: string[] = [];
    expect(keepRepeatedErrors(client, (id) => kept.push(id))).toBe(true);
    expect(run(error('a', 't1'))).toMatchObject({ event_id: 'a' });
    // The same capture twice in one trace: dropped, as Dedupe means.
    expect(run(error('b', 't1'))).toBeNull();
    // The same error in a new request: kept.
    expect(run(error('c', 't2'))).toMatchObject({ event_id: 'c' });
    expect(run(error('d', 't3'))).toMatchObject({ event_id: 'd' });
    expect(kept).toEqual(['c', 'd']);
    // Wrapping twice is wrapping once.
    expect(keepRepeatedErrors(client, () => kept.push('again'))).toBe(true);
    expect(run(error('e', 't4'))).toMatchObject({ event_id: 'e' });
    expect(kept).toEqual(['c', 'd', 'e']);
  });

  it('keeps one its capturer marked as a new occurrence, even in the same trace', () => {
    const { client, run } = clientWithDedupe();
    const kept: string[] = [];
    keepRepeatedErrors(client, (id) => kept.push(id));
    run(error('a', 't1'));
    const thrown = new RangeError('Year 1900');
    markNewOccurrence(thrown);
    expect(run(error('b', 't1'), { originalException: thrown })).toMatchObject({ event_id: 'b' });
    expect(kept).toEqual(['b']);
  });

  it('waits for a client without Dedupe', () => {
    expect(keepRepeatedErrors({ getEventProcessors: () => [] }, () => {})).toBe(false);
    expect(keepRepeatedErrors({}, () => {})).toBe(false);
  });
});

describe('withoutLocalOnly', () => {
  it('leaves the kept repeats out of the upstream copy, once', () => {
    const localOnly = new Set(['c']);
    const envelope: SentryEnvelopeLike = [{ event_id: 'c' }, [[{ type: 'event' }, { event_id: 'c' }]]];
    const other: SentryEnvelopeLike = [{ event_id: 'x' }, [[{ type: 'event' }, { event_id: 'x' }]]];
    expect(withoutLocalOnly(other, localOnly)).toBe(other);
    expect(withoutLocalOnly(envelope, localOnly)).toBeUndefined();
    expect(localOnly.size).toBe(0);
    expect(withoutLocalOnly(envelope, localOnly)).toBe(envelope);
  });
});
