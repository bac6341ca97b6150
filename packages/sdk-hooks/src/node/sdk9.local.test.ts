import * as Sentry from '@sentry/node-v9';
import { describe } from 'vitest';
import { localOnlyScenario, type SentryNode } from './test/sdkScenarios.ts';

describe(`@sentry/node ${Sentry.SDK_VERSION}, no DSN`, () => {
  localOnlyScenario(Sentry as unknown as SentryNode, { logs: true });
});
