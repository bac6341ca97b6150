import { afterEach, describe, expect, it, vi } from 'vitest';
import * as browserEntry from './browser.ts';
import * as mainEntry from './index.ts';
import * as inert from './inert.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the inert module production builds resolve', () => {
  it('has every name the browser entries have, of the same kind', () => {
    for (const entry of [mainEntry, browserEntry]) {
      for (const [name, value] of Object.entries(entry)) {
        expect(inert, `inert.ts lacks ${name}`).toHaveProperty(name);
        expect(typeof (inert as Record<string, unknown>)[name], name).toBe(typeof value);
      }
    }
  });

  it('does nothing: no integration named Spotlight* (that name makes Sentry set itself up without a DSN)', () => {
    expect(inert.spotlightBrowserIntegration().name.startsWith('Spotlight')).toBe(false);
    expect(inert.init().isOpen()).toBe(false);
    expect(inert.connectBrowserSdk().stats().connected).toBe(false);
  });
});

describe('Spotlight.init() under a production bundle', () => {
  it('mounts and connects nothing, and returns a handle that does nothing', () => {
    vi.stubEnv('NODE_ENV', 'production');
    // Outside a page init() would throw for want of a document: the guard comes first.
    const handle = mainEntry.init();
    expect(handle.sidecarUrl).toBe('');
    expect(mainEntry.getHandle()).toBeUndefined();
  });
});
