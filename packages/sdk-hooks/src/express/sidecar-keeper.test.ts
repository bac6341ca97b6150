import { describe, expect, it } from 'vitest';
import type { SidecarProbe } from '../node/health.ts';
import type { FoundSidecar } from './sidecar-client.ts';
import { keepSidecar } from './sidecar-keeper.ts';

function setup(answers: Record<string, SidecarProbe['kind']>) {
  let clock = 0;
  const probes: string[] = [];
  const finds: number[] = [];
  let next: FoundSidecar = { url: 'http://localhost:9001', source: 'started' };
  const keeper = keepSidecar({
    env: {},
    ttlMs: 2000,
    now: () => clock,
    probe: async (url) => {
      probes.push(url);
      const kind = answers[url] ?? 'down';
      return kind === 'spotlight' ? { kind, pid: 1 } : kind === 'other' ? { kind, status: 404 } : { kind, reason: 'test' };
    },
    find: async () => {
      finds.push(clock);
      return next;
    },
  });
  return {
    keeper,
    probes,
    finds,
    tick: (ms: number) => {
      clock += ms;
    },
    nextFind: (found: FoundSidecar) => {
      next = found;
    },
  };
}

describe('keepSidecar', () => {
  it('finds (or starts) the sidecar once, then trusts its answer for a while', async () => {
    const s = setup({ 'http://localhost:9001': 'spotlight' });
    expect(await s.keeper.ensure()).toEqual({ url: 'http://localhost:9001', source: 'started' });
    expect(await s.keeper.ensure()).toEqual({ url: 'http://localhost:9001', source: 'started' });
    s.tick(1999);
    await s.keeper.ensure();
    expect([s.finds, s.probes]).toEqual([[0], []]);
    // Past the period: one health probe, no search.
    s.tick(1);
    await s.keeper.ensure();
    expect([s.finds, s.probes]).toEqual([[0], ['http://localhost:9001']]);
  });

  it('when it exited (idle), looks for one again at the next call: it is found or started anew', async () => {
    const answers: Record<string, SidecarProbe['kind']> = { 'http://localhost:9001': 'spotlight' };
    const s = setup(answers);
    await s.keeper.ensure();
    answers['http://localhost:9001'] = 'down';
    s.nextFind({ url: 'http://localhost:9002', source: 'started' });
    s.tick(5000);
    expect(await s.keeper.ensure()).toEqual({ url: 'http://localhost:9002', source: 'started' });
    expect(s.finds).toEqual([0, 5000]);
  });

  it('asks once for concurrent callers (a page and its assets at once)', async () => {
    const s = setup({});
    const all = await Promise.all([s.keeper.ensure(), s.keeper.ensure(), s.keeper.ensure()]);
    expect(new Set(all.map((f) => f.url))).toEqual(new Set(['http://localhost:9001']));
    expect(s.finds).toHaveLength(1);
  });

  it('does not probe a sidecar the developer runs on another host', async () => {
    const s = setup({});
    s.nextFind({ url: 'http://devbox.internal:8969', source: 'option' });
    await s.keeper.ensure();
    s.tick(5000);
    expect(await s.keeper.ensure()).toEqual({ url: 'http://devbox.internal:8969', source: 'option' });
    expect([s.finds, s.probes]).toEqual([[0], []]);
  });
});
