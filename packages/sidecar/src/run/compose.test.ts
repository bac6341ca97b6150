import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitRunArgs } from '../commands/run.ts';
import { composeCommandLength, composeCommandLine, composeOverride, defaultComposeFiles, servicesCommandLine } from './compose.ts';
import { spotlightVariables } from './env.ts';

describe('docker compose under spotlight run', () => {
  const variables = spotlightVariables('http://host.docker.internal:8969/stream', {});

  it('gives every service the variables pointing at the host, and the host-gateway mapping', () => {
    expect(JSON.parse(composeOverride(['web', 'api'], variables))).toEqual({
      services: {
        web: {
          environment: {
            SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            VITE_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            NEXT_PUBLIC_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            PUBLIC_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            NUXT_PUBLIC_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            REACT_APP_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            VUE_APP_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            GATSBY_SENTRY_SPOTLIGHT: 'http://host.docker.internal:8969/stream',
            SENTRY_TRACES_SAMPLE_RATE: '1',
          },
          extra_hosts: ['host.docker.internal:host-gateway'],
        },
        api: expect.objectContaining({ extra_hosts: ['host.docker.internal:host-gateway'] }),
      },
    });
  });

  it('keeps a sample rate the user set', () => {
    expect(spotlightVariables('http://localhost:1/stream', { SENTRY_TRACES_SAMPLE_RATE: '0.25' }).SENTRY_TRACES_SAMPLE_RATE).toBe('0.25');
  });

  it('recognizes docker compose and docker-compose', () => {
    expect(composeCommandLength(['docker', 'compose', 'up'])).toBe(2);
    expect(composeCommandLength(['docker-compose', 'up'])).toBe(1);
    expect(composeCommandLength(['docker', 'run', 'x'])).toBe(0);
    expect(composeCommandLength(['npm', 'run', 'dev'])).toBe(0);
  });

  it('names the default files and the override just before the subcommand', () => {
    expect(composeCommandLine(['docker', 'compose', 'up', '--build'], ['compose.yaml', 'compose.override.yaml'], '/tmp/o.yaml')).toEqual([
      'docker',
      'compose',
      '-f',
      'compose.yaml',
      '-f',
      'compose.override.yaml',
      '-f',
      '/tmp/o.yaml',
      'up',
      '--build',
    ]);
  });

  it("keeps the user's own -f files (and other global flags) first, and does not add the defaults then", () => {
    const argv = ['docker', 'compose', '-p', 'shop', '--file=dev.yml', '-f', 'extra.yml', 'logs', '-f', 'web'];
    expect(composeCommandLine(argv, ['compose.yaml'], '/tmp/o.yaml')).toEqual([
      'docker',
      'compose',
      '-p',
      'shop',
      '--file=dev.yml',
      '-f',
      'extra.yml',
      '-f',
      '/tmp/o.yaml',
      'logs',
      '-f',
      'web',
    ]);
    expect(servicesCommandLine(argv, ['compose.yaml'])).toEqual([
      'docker',
      'compose',
      '-p',
      'shop',
      '--file=dev.yml',
      '-f',
      'extra.yml',
      'config',
      '--services',
    ]);
    expect(servicesCommandLine(['docker-compose', 'up'], ['docker-compose.yml'])).toEqual([
      'docker-compose',
      '-f',
      'docker-compose.yml',
      'config',
      '--services',
    ]);
  });

  it('finds the files Compose reads by default: COMPOSE_FILE, else the first default name and its override', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spotlight-compose-'));
    expect(defaultComposeFiles(dir, {})).toEqual([]);
    writeFileSync(join(dir, 'docker-compose.yml'), 'services: {}\n');
    expect(defaultComposeFiles(dir, {})).toEqual(['docker-compose.yml']);
    writeFileSync(join(dir, 'compose.yaml'), 'services: {}\n');
    writeFileSync(join(dir, 'compose.override.yaml'), 'services: {}\n');
    expect(defaultComposeFiles(dir, {})).toEqual(['compose.yaml', 'compose.override.yaml']);
    expect(defaultComposeFiles(dir, { COMPOSE_FILE: 'a.yml:b.yml', COMPOSE_PATH_SEPARATOR: ':' })).toEqual(['a.yml', 'b.yml']);
  });
});

describe('spotlight run arguments', () => {
  it('stops reading its own options at the command or at --', () => {
    expect(splitRunArgs(['-p', '0', 'node', '--inspect', 'app.js'])).toEqual({
      ours: ['-p', '0'],
      command: ['node', '--inspect', 'app.js'],
    });
    expect(splitRunArgs(['--url', 'http://localhost:1', '--', '-weird'])).toEqual({
      ours: ['--url', 'http://localhost:1'],
      command: ['-weird'],
    });
    expect(splitRunArgs(['--help'])).toEqual({ ours: ['--help'], command: [] });
    expect(splitRunArgs([])).toEqual({ ours: [], command: [] });
  });
});
