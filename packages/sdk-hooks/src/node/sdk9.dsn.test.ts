import * as Sentry from '@sentry/node-v9';
import { describe } from 'vitest';
import { type SentryNode, withDsnScenario } from './test/sdkScenarios.ts';

describe(`@sentry/node ${Sentry.SDK_VERSION}, DSN and tracesSampleRate 0.1`, () => {
  withDsnScenario(Sentry as unknown as SentryNode);
});
