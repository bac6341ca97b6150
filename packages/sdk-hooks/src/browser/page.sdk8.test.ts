import * as Sentry from '@sentry/browser-v8';
import { describe } from 'vitest';
import type { SentryBrowser } from './test/bridgeScenarios.ts';
import { pageScenarios } from './test/pageScenarios.ts';

describe(`a page with @sentry/browser ${Sentry.SDK_VERSION}`, () => {
  pageScenarios(Sentry as unknown as SentryBrowser);
});
