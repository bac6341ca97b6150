import { describe, expect, it } from 'vitest';
import { envFlag, isCi, productionSignal, spotlightActivation } from './environment.ts';

describe('spotlightActivation', () => {
  it('is on in development (no signal at all, NODE_ENV=development or test)', () => {
    expect(spotlightActivation({})).toEqual({ enabled: true, reason: 'development' });
    expect(spotlightActivation({ NODE_ENV: 'development' }).enabled).toBe(true);
    expect(spotlightActivation({ NODE_ENV: 'test', CI: 'true' }).enabled).toBe(true);
  });

  it('is off on each clear production signal, saying which', () => {
    expect(spotlightActivation({ NODE_ENV: 'production' })).toEqual({ enabled: false, reason: 'production (NODE_ENV=production)' });
    expect(spotlightActivation({ SENTRY_ENVIRONMENT: 'prod' }).reason).toBe('production (SENTRY_ENVIRONMENT=prod)');
    expect(spotlightActivation({}, { sentryEnvironment: 'Production' }).reason).toBe('production (Sentry environment "Production")');
    expect(spotlightActivation({ VERCEL_ENV: 'production' }).reason).toBe('production (VERCEL_ENV=production)');
    expect(spotlightActivation({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }).reason).toBe('production (running in AWS Lambda)');
  });

  it('does not take ambiguous hints for production', () => {
    expect(productionSignal({ VERCEL_ENV: 'development', SENTRY_ENVIRONMENT: 'staging' })).toBeUndefined();
    expect(productionSignal({ AWS_LAMBDA_FUNCTION_NAME: 'fn', AWS_SAM_LOCAL: 'true' })).toBeUndefined();
    expect(productionSignal({ KUBERNETES_SERVICE_HOST: '10.0.0.1', CI: '1' })).toBeUndefined();
  });

  it('can be forced on (option or SPOTLIGHT_FORCE) and turned off (SENTRY_SPOTLIGHT=false)', () => {
    expect(spotlightActivation({ NODE_ENV: 'production' }, { force: true })).toEqual({ enabled: true, reason: 'forced (force: true)' });
    expect(spotlightActivation({ NODE_ENV: 'production', SPOTLIGHT_FORCE: '1' })).toEqual({
      enabled: true,
      reason: 'forced (SPOTLIGHT_FORCE)',
    });
    expect(spotlightActivation({ SENTRY_SPOTLIGHT: 'false' })).toEqual({ enabled: false, reason: 'SENTRY_SPOTLIGHT=false' });
    expect(spotlightActivation({ SENTRY_SPOTLIGHT: '0', SPOTLIGHT_FORCE: '1' }).enabled).toBe(false);
    expect(spotlightActivation({ SENTRY_SPOTLIGHT: 'http://localhost:8969/stream' }).enabled).toBe(true);
  });
});

describe('envFlag and isCi', () => {
  it('reads booleans like the SDKs', () => {
    expect([envFlag('1'), envFlag('YES'), envFlag('off'), envFlag('http://x'), envFlag(undefined)]).toEqual([
      true,
      true,
      false,
      undefined,
      undefined,
    ]);
  });

  it('detects CI from CI or the common providers', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: 'woodpecker' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ GITHUB_ACTIONS: 'true' })).toBe(true);
    expect(isCi({})).toBe(false);
  });
});
