import { describe } from 'vitest';
import { burstScenarios } from './test/processScenarios.ts';

describe('@sentry/node 8: a burst of 500 synchronous errors from a script', () => {
  burstScenarios('@sentry/node-v8');
});
