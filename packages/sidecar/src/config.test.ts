import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, helpText, OPTIONS, optionUsage, parseSeconds, parseSize, resolveConfig } from './config.ts';

function configError(argv: string[], env: Record<string, string> = {}): string {
  try {
    resolveConfig(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('has the documented defaults', () => {
    expect(resolveConfig([], {})).toEqual({
      ...DEFAULT_CONFIG,
      action: 'run',
    });
    const MiB = 1024 * 1024;
    expect(DEFAULT_CONFIG).toMatchObject({
      port: 8969,
      host: undefined,
      maxItems: 1000,
      maxEnvelopes: 10_000,
      maxViewers: 100,
      debug: false,
    });
    expect(DEFAULT_CONFIG).toMatchObject({ maxBodyBytes: 20 * MiB, maxDecompressedBytes: 100 * MiB, maxBufferBytes: 16 * MiB });
    expect(DEFAULT_CONFIG).toMatchObject({ maxViewerQueueBytes: 8 * MiB, maxAgeSeconds: 3600, heartbeatSeconds: 15, idleExitSeconds: 0 });
  });

  it('reads every kind of flag, in both --flag value and --flag=value forms', () => {
    const config = resolveConfig(
      [
        '-p',
        '0',
        '--host=0.0.0.0',
        '-A',
        'https://app.test',
        '--allowed-origin',
        'http://other.test:3000',
        '--allowed-host',
        'box.local',
        '--max-body-bytes',
        '512KiB',
        '--max-decompressed-bytes=2MB',
        '--max-items',
        '10',
        '--max-envelopes',
        '50',
        '--max-buffer-bytes',
        '1g',
        '--max-age',
        '10m',
        '--max-viewers',
        '3',
        '--max-viewer-queue-bytes',
        '65536',
        '--heartbeat',
        '250ms',
        '--idle-exit',
        '30',
        '--state-file',
        '/tmp/s.json',
        '--forward',
        'https://k@o1.ingest.sentry.io/1',
        '--forward-sample-rate',
        '0.25',
        '--overlay-dir',
        '/srv/overlay',
        '--source-root',
        '/srv/app',
        '--source-root=/srv/lib',
        '--debug',
      ],
      {},
    );
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      allowedOrigins: ['https://app.test', 'http://other.test:3000'],
      allowedHosts: ['box.local'],
      maxBodyBytes: 512 * 1024,
      maxDecompressedBytes: 2 * 1024 * 1024,
      maxItems: 10,
      maxEnvelopes: 50,
      maxBufferBytes: 1024 * 1024 * 1024,
      maxAgeSeconds: 600,
      maxViewers: 3,
      maxViewerQueueBytes: 65536,
      heartbeatSeconds: 0.25,
      idleExitSeconds: 30,
      stateFile: '/tmp/s.json',
      forward: ['https://k@o1.ingest.sentry.io/1'],
      forwardSampleRate: 0.25,
      overlayDir: '/srv/overlay',
      sourceRoots: ['/srv/app', '/srv/lib'],
      debug: true,
      action: 'run',
    });
  });

  it('reads environment variables, and flags win over them', () => {
    const env = {
      SPOTLIGHT_PORT: '9000',
      SPOTLIGHT_MAX_BODY_BYTES: '1MiB',
      SPOTLIGHT_ALLOWED_ORIGINS: 'https://a.test, https://b.test',
      SPOTLIGHT_FORWARD: 'https://k@x.test/1',
      SPOTLIGHT_DEBUG: '1',
      SPOTLIGHT_IDLE_EXIT: '0',
      SPOTLIGHT_FORWARD_SAMPLE_RATE: '0',
    };
    expect(resolveConfig([], env)).toMatchObject({
      port: 9000,
      maxBodyBytes: 1024 * 1024,
      allowedOrigins: ['https://a.test', 'https://b.test'],
      forward: ['https://k@x.test/1'],
      debug: true,
      idleExitSeconds: 0,
      forwardSampleRate: 0,
    });
    expect(resolveConfig(['--port', '9100', '-A', 'https://c.test'], env)).toMatchObject({
      port: 9100,
      allowedOrigins: ['https://c.test'],
    });
  });

  it('refuses bad values with a one-line reason naming the flag or variable', () => {
    expect(configError(['--port', '70000'])).toBe('--port: expected a port number from 0 to 65535, got "70000"');
    expect(configError(['--max-items', '0'])).toBe('--max-items: expected a whole number above 0, got "0"');
    expect(configError([], { SPOTLIGHT_MAX_BODY_BYTES: 'lots' })).toBe(
      'SPOTLIGHT_MAX_BODY_BYTES: expected a size above 0 such as 1048576, 512KiB or 20MiB, got "lots"',
    );
    expect(configError(['--heartbeat', '0'])).toBe('--heartbeat: expected a number of seconds such as 30, 0.5 or 10m, got "0"');
    expect(configError(['--forward-sample-rate', '1.5'])).toBe(
      '--forward-sample-rate: expected a sample rate from 0 to 1 such as 0.25, got "1.5"',
    );
    expect(configError([], { SPOTLIGHT_FORWARD_SAMPLE_RATE: 'half' })).toBe(
      'SPOTLIGHT_FORWARD_SAMPLE_RATE: expected a sample rate from 0 to 1 such as 0.25, got "half"',
    );
    expect(configError(['--port'])).toBe('--port needs a value (see --help)');
    expect(configError(['--nope'])).toBe('unknown option --nope (see --help)');
    expect(configError(['8969'])).toBe('unexpected argument "8969" (see --help)');
    expect(configError(['-A', '*'])).toBe('--allowed-origin "*" is refused: list the origins that may read your events');
    expect(configError(['--debug=yes'])).toBe('--debug takes no value (see --help)');
    expect(configError(['--max-items', '-3'])).toBe(
      '--max-items needs a value; write --max-items=<value> for one that starts with "-" (see --help)',
    );
    expect(configError(['--max-items=-3'])).toBe('--max-items: expected a whole number above 0, got "-3"');
  });

  it('raises the decompressed limit to the raw one (an uncompressed body is both)', () => {
    expect(resolveConfig(['--max-body-bytes', '10MiB', '--max-decompressed-bytes', '1MiB'], {}).maxDecompressedBytes).toBe(
      10 * 1024 * 1024,
    );
  });

  it('recognizes --help and --version', () => {
    expect(resolveConfig(['--help'], {}).action).toBe('help');
    expect(resolveConfig(['-v'], {}).action).toBe('version');
    expect(resolveConfig(['--version', '-h'], {}).action).toBe('help');
  });

  it('documents every option in --help with its default and variable', () => {
    const help = helpText('1.2.3');
    expect(help).toContain('spotlight 1.2.3');
    for (const line of [
      '-p, --port <port>',
      '--max-body-bytes <size>',
      'env: SPOTLIGHT_MAX_BODY_BYTES',
      'default: 20MiB',
      '--idle-exit <seconds>',
    ]) {
      expect(help).toContain(line);
    }
  });
});

describe('the README', () => {
  it('lists every option with its variable, default and meaning, as --help does', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const o of OPTIONS) {
      expect(readme).toContain(`| \`${optionUsage(o)}\` | \`${o.env}\` | ${o.shownDefault} | ${o.help} |`);
    }
  });
});

describe('parseSize and parseSeconds', () => {
  it('reads sizes with binary units', () => {
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize('512k')).toBe(524288);
    expect(parseSize('20MiB')).toBe(20971520);
    expect(parseSize('1.5 GB')).toBe(1610612736);
    expect(parseSize('12 parsecs')).toBeUndefined();
    expect(parseSize('-1')).toBeUndefined();
  });

  it('reads durations', () => {
    expect(parseSeconds('15')).toBe(15);
    expect(parseSeconds('250ms')).toBe(0.25);
    expect(parseSeconds('2h')).toBe(7200);
    expect(parseSeconds('soon')).toBeUndefined();
  });
});
