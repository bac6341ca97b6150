import * as Sentry from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { init } from './init.ts';
import { errorMessages, recordingDeps, spansOf } from './test/sdkScenarios.ts';

describe('@sentry/node 11 initialized by the app without a DSN, then init()', () => {
  it('hooks the existing client and sets up the integrations the SDK had skipped', async () => {
    Sentry.init({ tracesSampleRate: 1 });
    const client = Sentry.getClient();
    // Without a DSN (and without a Spotlight integration) the SDK sets up no integration at all.
    expect(client?.getIntegrationByName('Http')).toBeUndefined();
    const deps = recordingDeps(46_001);
    const handle = init({ env: deps.env, send: deps.send, probe: deps.probe, spawn: deps.spawn, log: () => {} });
    expect([handle.enabled, handle.transport]).toEqual([true, 'installed']);
    expect(Sentry.getClient()).toBe(client);
    expect(client?.getIntegrationByName('Http')?.name).toBe('Http');
    expect(client?.getIntegrationByName('Spotlight')?.name).toBe('Spotlight');

    Sentry.startSpan({ name: 'after attach' }, () => Sentry.captureException(new Error('seen after attach')));
    expect(await Sentry.flush(5000)).toBe(true);
    expect(errorMessages(deps.sent)).toEqual(['seen after attach']);
    expect(spansOf(deps.sent).map((s) => s.name)).toEqual(['after attach']);
  });
});
