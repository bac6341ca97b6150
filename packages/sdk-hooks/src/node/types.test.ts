import type * as Sentry from '@sentry/node';
import type * as SentryV8 from '@sentry/node-v8';
import type * as SentryV9 from '@sentry/node-v9';
import type * as SentryV10 from '@sentry/node-v10';
import { describe, expect, it } from 'vitest';
import { init, spotlightIntegration } from './index.ts';

describe('public types', () => {
  it('spotlightIntegration() fits the integrations of @sentry/node 8 to 11 (checked by tsc)', () => {
    const v11: NonNullable<Parameters<typeof Sentry.init>[0]> = { integrations: [spotlightIntegration()] };
    const v10: NonNullable<Parameters<typeof SentryV10.init>[0]> = { integrations: [spotlightIntegration()] };
    const v9: NonNullable<Parameters<typeof SentryV9.init>[0]> = { integrations: [spotlightIntegration()] };
    const v8: NonNullable<Parameters<typeof SentryV8.init>[0]> = { integrations: [spotlightIntegration()] };
    expect([v11, v10, v9, v8].map((o) => (o.integrations as { name: string }[])[0]?.name)).toEqual([
      'Spotlight',
      'Spotlight',
      'Spotlight',
      'Spotlight',
    ]);
  });

  it('init() accepts the clients of @sentry/node 8 to 11 (checked by tsc)', () => {
    const hook = (client: Sentry.NodeClient | SentryV10.NodeClient | SentryV9.NodeClient | SentryV8.NodeClient) =>
      init({ client, env: { NODE_ENV: 'production' } });
    expect(typeof hook).toBe('function');
  });
});
