import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DiscoveryOptions, discoverSidecar } from './discovery.ts';
import type { SidecarProbe } from './health.ts';

function setup(answers: Record<string, SidecarProbe['kind']>, extra: Partial<DiscoveryOptions> = {}) {
  const probed: string[] = [];
  const launched: number[] = [];
  const stateFile = join(mkdtempSync(join(tmpdir(), 'spotlight-discovery-')), 'sidecar.json');
  const options: DiscoveryOptions = {
    optionUrl: undefined,
    envUrl: undefined,
    baggageUrl: () => undefined,
    stateFile,
    port: 8969,
    autoStart: true,
    probe: async (url) => {
      probed.push(url);
      const kind = answers[url] ?? 'down';
      return kind === 'spotlight' ? { kind, pid: 1 } : kind === 'other' ? { kind, status: 404 } : { kind, reason: 'ECONNREFUSED' };
    },
    launch: async (port) => {
      launched.push(port);
      return `http://localhost:${port || 45_555}`;
    },
    ...extra,
  };
  return { options, probed, launched, stateFile };
}

describe('discoverSidecar', () => {
  it('takes the option first, then SENTRY_SPOTLIGHT, then baggage', async () => {
    const answers = {
      'http://localhost:1111': 'spotlight',
      'http://localhost:2222': 'spotlight',
      'http://localhost:3333': 'spotlight',
    } as const;
    const all = setup(answers, {
      optionUrl: 'http://localhost:1111',
      envUrl: 'http://localhost:2222',
      baggageUrl: () => 'http://localhost:3333',
    });
    expect(await discoverSidecar(all.options)).toEqual({ url: 'http://localhost:1111', source: 'option' });
    const env = setup(answers, { envUrl: 'http://localhost:2222', baggageUrl: () => 'http://localhost:3333' });
    expect(await discoverSidecar(env.options)).toEqual({ url: 'http://localhost:2222', source: 'env' });
    const baggage = setup(answers, { baggageUrl: () => 'http://localhost:3333' });
    expect(await discoverSidecar(baggage.options)).toEqual({ url: 'http://localhost:3333', source: 'baggage' });
  });

  it('then the state file of a live sidecar, then the default port', async () => {
    const s = setup({ 'http://localhost:45000': 'spotlight', 'http://localhost:8969': 'spotlight' });
    writeFileSync(s.stateFile, JSON.stringify({ url: 'http://localhost:45000', port: 45000, pid: process.pid }));
    expect(await discoverSidecar(s.options)).toEqual({ url: 'http://localhost:45000', source: 'state file' });
    const d = setup({ 'http://localhost:8969': 'spotlight' });
    expect(await discoverSidecar(d.options)).toEqual({ url: 'http://localhost:8969', source: 'default' });
    expect(d.launched).toEqual([]);
  });

  it('starts one on the default port when nothing answers, on a free port when another program holds it', async () => {
    const down = setup({});
    expect(await discoverSidecar(down.options)).toEqual({ url: 'http://localhost:8969', source: 'started' });
    expect(down.launched).toEqual([8969]);
    const taken = setup({ 'http://localhost:8969': 'other' });
    expect(await discoverSidecar(taken.options)).toEqual({ url: 'http://localhost:45555', source: 'started' });
    expect(taken.launched).toEqual([0]);
  });

  it('starts one where a configured or inherited loopback URL says, when it is down', async () => {
    const s = setup({}, { envUrl: 'http://localhost:47000' });
    expect(await discoverSidecar(s.options)).toEqual({ url: 'http://localhost:47000', source: 'started' });
    expect(s.launched).toEqual([47000]);
  });

  it('sends to a configured URL even when it is not Spotlight, but ignores such a URL from baggage', async () => {
    const configured = setup({ 'http://localhost:1111': 'other' }, { optionUrl: 'http://localhost:1111' });
    expect(await discoverSidecar(configured.options)).toEqual({ url: 'http://localhost:1111', source: 'option' });
    const fromBaggage = setup(
      { 'http://localhost:3333': 'other', 'http://localhost:8969': 'spotlight' },
      { baggageUrl: () => 'http://localhost:3333' },
    );
    expect(await discoverSidecar(fromBaggage.options)).toEqual({ url: 'http://localhost:8969', source: 'default' });
  });

  it('trusts a remote URL the developer configured without probing it', async () => {
    const s = setup({}, { optionUrl: 'http://devbox.internal:8969' });
    expect(await discoverSidecar(s.options)).toEqual({ url: 'http://devbox.internal:8969', source: 'option' });
    expect(s.probed).toEqual([]);
  });

  it('does not start anything when starting is off', async () => {
    const s = setup({}, { autoStart: false });
    await expect(discoverSidecar(s.options)).rejects.toThrow('no sidecar answers on port 8969 and starting one is off');
    expect(s.launched).toEqual([]);
  });
});
