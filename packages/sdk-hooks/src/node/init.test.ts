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

  it("leaves Sentry's own Spotlight integration in charge, saying so", () => {
    const client = new FakeClient();
    client.integrations.set('Spotlight', { name: 'Spotlight' });
    const lines: string[] = [];
    const handle = init({ client, env: {}, log: (line) => lines.push(line) });
    expect([handle.enabled, handle.reason]).toEqual([false, "Sentry's spotlight option is active"]);
    expect(lines).toEqual(["Sentry's own Spotlight integration (the `spotlight` option) is active; leaving it in charge"]);
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
