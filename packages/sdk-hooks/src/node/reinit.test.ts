import { describe, expect, it } from 'vitest';
import { onNewClients } from './reinit.ts';
import { FakeClient } from './test/fakeClient.ts';

class Scope {
  client: unknown;
  getClient(): unknown {
    return this.client;
  }
  setClient(client: unknown): void {
    this.client = client;
  }
}

describe('onNewClients', () => {
  it("shows each client the app sets after Spotlight's to `prepare`, before it is set", () => {
    const scope = new Scope();
    const ours = new FakeClient({ integrations: [] });
    scope.setClient(ours);
    const carrier = { __SENTRY__: { version: '11.0.0', '11.0.0': { defaultCurrentScope: scope } } };
    const seen: unknown[] = [];
    expect(onNewClients(ours, (next) => seen.push([next, scope.getClient()]), carrier)).toBe(true);

    const apps = new FakeClient({ integrations: [{ name: 'Http' }] });
    scope.setClient(apps);
    expect(seen).toEqual([[apps, ours]]);
    expect(scope.getClient()).toBe(apps);
    // Not ours again, not something that is not a client.
    scope.setClient(ours);
    scope.setClient(undefined);
    expect(seen).toHaveLength(1);
  });

  it('finds nothing to watch when no scope holds the client', () => {
    const carrier = { __SENTRY__: { version: '11.0.0', '11.0.0': { defaultCurrentScope: new Scope() } } };
    expect(onNewClients(new FakeClient(), () => {}, carrier)).toBe(false);
  });
});
