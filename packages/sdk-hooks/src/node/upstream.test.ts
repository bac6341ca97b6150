import { describe, expect, it } from 'vitest';
import type { SentryEnvelopeLike } from '../sentry.ts';
import { upstreamEnvelope } from './upstream.ts';

const all = { errorSampleRate: 1, logs: true };

describe('upstreamEnvelope', () => {
  it('passes an envelope through untouched when the app would have sent it as is', () => {
    const envelope: SentryEnvelopeLike = [{ trace: { trace_id: 't', sampled: 'true' } }, [[{ type: 'transaction' }, { contexts: {} }]]];
    expect(upstreamEnvelope(envelope, all)).toBe(envelope);
  });

  it("drops trace items of a trace the app did not sample, keeps the trace's errors", () => {
    const envelope: SentryEnvelopeLike = [
      { trace: { trace_id: 't', sampled: 'false' } },
      [
        [{ type: 'transaction' }, {}],
        [{ type: 'span' }, {}],
        [{ type: 'profile' }, {}],
        [{ type: 'event' }, { message: 'kept' }],
      ],
    ];
    expect(upstreamEnvelope(envelope, all)).toEqual([
      { trace: { trace_id: 't', sampled: 'false' } },
      [[{ type: 'event' }, { message: 'kept' }]],
    ]);
    expect(upstreamEnvelope([envelope[0], [[{ type: 'span' }, {}]]], all)).toBeUndefined();
  });

  it("applies the app's error sample rate and log setting", () => {
    const envelope: SentryEnvelopeLike = [
      {},
      [
        [{ type: 'event' }, {}],
        [{ type: 'log' }, {}],
      ],
    ];
    expect(upstreamEnvelope(envelope, { errorSampleRate: 0.5, logs: false }, () => 0.7)).toBeUndefined();
    expect(upstreamEnvelope(envelope, { errorSampleRate: 0.5, logs: false }, () => 0.2)).toEqual([{}, [[{ type: 'event' }, {}]]]);
  });

  it("removes the local sidecar's address and restores the app's sample rate on the transaction", () => {
    const envelope: SentryEnvelopeLike = [
      { trace: { trace_id: 't', sampled: 'true', sample_rate: '0.1', spotlight: 'http://localhost:8969/stream' } },
      [[{ type: 'transaction' }, { contexts: { trace: { trace_id: 't', data: { 'sentry.sample_rate': 1, 'sentry.op': 'http' } } } }]],
    ];
    expect(upstreamEnvelope(envelope, all)).toEqual([
      { trace: { trace_id: 't', sampled: 'true', sample_rate: '0.1' } },
      [[{ type: 'transaction' }, { contexts: { trace: { trace_id: 't', data: { 'sentry.sample_rate': 0.1, 'sentry.op': 'http' } } } }]],
    ]);
    expect(envelope[0].trace).toHaveProperty('spotlight');
  });

  it("restores the app's sample rate on SDK 11's segment spans", () => {
    const segment = {
      name: 'root',
      attributes: { 'sentry.sample_rate': { value: 1, type: 'integer' }, 'sentry.op': { value: 'http', type: 'string' } },
    };
    const child = { name: 'child', attributes: {} };
    const envelope: SentryEnvelopeLike = [
      { trace: { trace_id: 't', sampled: 'true', sample_rate: '0.1' } },
      [
        [
          { type: 'span', item_count: 2 },
          { version: 2, items: [segment, child] },
        ],
      ],
    ];
    expect(upstreamEnvelope(envelope, all)).toEqual([
      envelope[0],
      [
        [
          { type: 'span', item_count: 2 },
          {
            version: 2,
            items: [
              {
                name: 'root',
                attributes: { 'sentry.sample_rate': { value: 0.1, type: 'double' }, 'sentry.op': { value: 'http', type: 'string' } },
              },
              child,
            ],
          },
        ],
      ],
    ]);
    expect(segment.attributes['sentry.sample_rate'].value).toBe(1);
  });
});
