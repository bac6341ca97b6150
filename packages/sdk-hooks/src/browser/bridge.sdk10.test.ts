import * as Sentry from '@sentry/browser-v10';
import { describe } from 'vitest';
import { bridgeScenarios, type SentryBrowser } from './test/bridgeScenarios.ts';

describe(`connectBrowserSdk with @sentry/browser ${Sentry.SDK_VERSION}`, () => {
  bridgeScenarios(Sentry as unknown as SentryBrowser);
});
