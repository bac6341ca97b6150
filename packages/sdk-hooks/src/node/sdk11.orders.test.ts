import { describe } from 'vitest';
import { initOrderScenarios } from './test/processScenarios.ts';

describe('@sentry/node 11: Sentry.init and Spotlight.init in any order, with and without SENTRY_SPOTLIGHT', () => {
  initOrderScenarios('@sentry/node');
});
