import { describe, expect, it } from 'vitest';
import { init } from './init.ts';
import { FakeClient } from './test/fakeClient.ts';

describe('init with a client already set up', () => {
  it('hooks it, and sets up the integrations the SDK skipped for lack of a DSN', () => {
    const setUp: string[] = [];
    const http = { name: 'Http', setup: () => setUp.push('Http') };
    const client = new FakeClient({ integrations: [http] });
    const handle = init({ client, env: {}, log: () => {} });
    expect([handle.enabled, handle.transport]).toEqual([true, 'installed']);
    expect(setUp).toEqual(['Http']);
    expect([...client.integrations.keys()]).toEqual(['Spotlight', 'Http']);
    // Twice is once.
    expect(init({ client, env: {}, log: () => {} })).toBe(handle);
  });

  it("takes over from Sentry's own Spotlight integration, which cannot start a sidecar", async () => {
    const client = new FakeClient({ spotlight: true });
    client.integrations.set('Spotlight', { name: 'Spotlight' });
    const lines: string[] = [];
    const handle = init({ client, env: {}, debug: true, log: (line) => lines.push(line) });
    expect([handle.enabled, handle.transport]).toEqual([true, 'installed']);
    expect(client.hooks.get('beforeEnvelope')).toHaveLength(1);
    expect(lines).toContain("Sentry's own Spotlight integration is set up: Spotlight sends in its place (nothing is sent twice)");
    // Twice is once.
    expect(init({ client, env: {}, log: () => {} })).toBe(handle);
    client.emit('close');
  });

  it('in production touches nothing: no hook, no transport, no module loaded', () => {
    const client = new FakeClient({ tracesSampleRate: 0.5 });
    const handle = init({ client, env: { NODE_ENV: 'production' } });
    expect([handle.enabled, handle.reason, handle.transport]).toEqual([false, 'production (NODE_ENV=production)', 'none']);
    expect(client.hooks.size).toBe(0);
    expect(client.getTransport()).toBeUndefined();
    expect(client.options).toEqual({ tracesSampleRate: 0.5 });
    expect(client.integrations.size).toBe(0);
  });
});
