import { describe, expect, it } from 'vitest';
import type { SentryEnvelopeLike } from '../sentry.ts';
import { init } from './init.ts';
import { connectClient } from './integration.ts';
import { FakeClient } from './test/fakeClient.ts';

function fakeSentry() {
  const calls: Record<string, unknown>[] = [];
  return { calls, module: { init: (options: Record<string, unknown>) => calls.push(options) } };
}
const profilingModule = { nodeProfilingIntegration: () => ({ name: 'ProfilingIntegration' }) };
const names = (options: Record<string, unknown> | undefined) => ((options?.integrations ?? []) as { name: string }[]).map((i) => i.name);

describe('profiling in development (Spotlight initializes the SDK)', () => {
  it('with @sentry/profiling-node there, profiles every span tree continuously', () => {
    const sentry = fakeSentry();
    init({ sentry: sentry.module, profiling: profilingModule, env: {}, log: () => {} });
    expect(sentry.calls[0]).toMatchObject({ profileSessionSampleRate: 1, profileLifecycle: 'trace' });
    expect(names(sentry.calls[0])).toEqual(['Spotlight', 'ProfilingIntegration']);
  });

  it("leaves the app's own profiling settings alone, and can be turned off", () => {
    const own = fakeSentry();
    init({ sentry: own.module, profiling: profilingModule, sentryOptions: { profileSessionSampleRate: 0.1 }, env: {}, log: () => {} });
    expect(own.calls[0]).toMatchObject({ profileSessionSampleRate: 0.1 });
    expect(own.calls[0]?.profileLifecycle).toBeUndefined();
    expect(names(own.calls[0])).toEqual(['Spotlight']);
    const off = fakeSentry();
    init({ sentry: off.module, profiling: false, env: {}, log: () => {} });
    expect(off.calls[0]?.profileSessionSampleRate).toBeUndefined();
    expect(names(off.calls[0])).toEqual(['Spotlight']);
  });

  it('in production initializes nothing', () => {
    const sentry = fakeSentry();
    init({ sentry: sentry.module, profiling: profilingModule, env: { NODE_ENV: 'production' }, log: () => {} });
    expect(sentry.calls).toEqual([]);
  });
});

describe('envelopes handed straight to the transport', () => {
  it('profile chunks (sent without beforeEnvelope) reach the sidecar once, like every other envelope', async () => {
    const client = new FakeClient();
    const sent: string[] = [];
    const handle = connectClient(client, {
      env: { SENTRY_SPOTLIGHT: 'http://127.0.0.1:47002/stream' },
      log: () => {},
      probe: async () => ({ kind: 'spotlight', pid: 1 }),
      send: async (bytes) => {
        sent.push((JSON.parse(new TextDecoder().decode(bytes).split('\n')[1] ?? '{}') as { type: string }).type);
      },
      spawn: () => {
        throw new Error('must not spawn');
      },
    });
    const chunk: SentryEnvelopeLike = [{}, [[{ type: 'profile_chunk' }, { profiler_id: 'p' }]]];
    await client.sendEnvelope([{}, [[{ type: 'event' }, { message: 'hi' }]]]);
    // What the profiler does: the transport, no hook.
    await client.getTransport()?.send(chunk);
    await handle.flush(2000);
    expect(sent).toEqual(['event', 'profile_chunk']);
    client.emit('close');
  });
});
