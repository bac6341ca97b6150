import { describe, expect, it } from 'vitest';
import { SPOTLIGHT_BAGGAGE_KEY, spotlightUrlFromBaggage } from './baggage.ts';

describe('spotlightUrlFromBaggage', () => {
  it('reads the url-encoded sidecar URL among other baggage members', () => {
    const header = 'sentry-environment=dev,sentry-spotlight=http%3A%2F%2Flocalhost%3A8969%2Fstream,sentry-trace_id=abc, other=1';
    expect(SPOTLIGHT_BAGGAGE_KEY).toBe('sentry-spotlight');
    expect(spotlightUrlFromBaggage(header)).toBe('http://localhost:8969/stream');
  });

  it('reads it from repeated headers and ignores member properties', () => {
    expect(spotlightUrlFromBaggage(['a=1', 'sentry-spotlight = http%3A%2F%2F127.0.0.1%3A9000;prop=x'])).toBe('http://127.0.0.1:9000');
  });

  it('gives nothing for baggage without it or with a broken encoding', () => {
    expect(spotlightUrlFromBaggage(undefined)).toBeUndefined();
    expect(spotlightUrlFromBaggage('sentry-trace_id=abc')).toBeUndefined();
    expect(spotlightUrlFromBaggage('not-sentry-spotlight=x')).toBeUndefined();
    expect(spotlightUrlFromBaggage('sentry-spotlight=%E0%A4%A')).toBeUndefined();
  });
});
