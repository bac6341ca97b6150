import { describe, expect, it } from 'vitest';
import { DEFAULT_IDLE_EXIT_SECONDS, resolveConfig } from './options.ts';

describe('resolveConfig', () => {
  it('has development defaults', () => {
    const config = resolveConfig({}, { HOME: '/home/u', XDG_CACHE_HOME: '/c' }, () => {});
    expect(config).toEqual({
      optionUrl: undefined,
      envUrl: undefined,
      port: 8969,
      stateFile: '/c/spotlight/sidecar.json',
      idleExitSeconds: DEFAULT_IDLE_EXIT_SECONDS,
      autoStart: true,
      unsampled: true,
      maxQueue: 10_000,
      maxQueueBytes: 64 * 1024 * 1024,
      sendTimeoutMs: 2000,
      startTimeoutMs: 5000,
    });
  });

  it('reads SPOTLIGHT_PORT, SPOTLIGHT_STATE_FILE, SPOTLIGHT_IDLE_EXIT, and does not start sidecars in CI', () => {
    const config = resolveConfig(
      {},
      { SPOTLIGHT_PORT: '9100', SPOTLIGHT_STATE_FILE: '/tmp/s.json', SPOTLIGHT_IDLE_EXIT: '60', CI: 'true' },
      () => {},
    );
    expect([config.port, config.stateFile, config.idleExitSeconds, config.autoStart]).toEqual([9100, '/tmp/s.json', 60, false]);
    expect(resolveConfig({ autoStart: true }, { CI: '1' }, () => {}).autoStart).toBe(true);
    expect(resolveConfig({}, { SPOTLIGHT_PORT: 'abc', SPOTLIGHT_IDLE_EXIT: '-1' }, () => {})).toMatchObject({
      port: 8969,
      idleExitSeconds: DEFAULT_IDLE_EXIT_SECONDS,
    });
  });

  it('takes a loopback SENTRY_SPOTLIGHT, reads "true" as just "on", and ignores a remote one with one debug line', () => {
    expect(resolveConfig({}, { SENTRY_SPOTLIGHT: 'http://localhost:9000/stream' }, () => {}).envUrl).toBe('http://localhost:9000');
    expect(resolveConfig({}, { SENTRY_SPOTLIGHT: 'true' }, () => {}).envUrl).toBeUndefined();
    const lines: string[] = [];
    expect(resolveConfig({}, { SENTRY_SPOTLIGHT: 'http://attacker.test:8969/stream' }, (line) => lines.push(line)).envUrl).toBeUndefined();
    expect(lines).toEqual([
      'ignoring SENTRY_SPOTLIGHT="http://attacker.test:8969/stream": only loopback URLs are honoured from the environment',
    ]);
  });

  it('lets the code name any sidecar URL, and ignores one that is not a URL', () => {
    expect(resolveConfig({ sidecarUrl: 'http://devbox.internal:8969/stream' }, {}, () => {}).optionUrl).toBe('http://devbox.internal:8969');
    const lines: string[] = [];
    expect(resolveConfig({ sidecarUrl: 'localhost:8969' }, {}, (line) => lines.push(line)).optionUrl).toBeUndefined();
    expect(lines).toEqual(['ignoring sidecarUrl "localhost:8969": not an http(s) URL']);
  });
});
