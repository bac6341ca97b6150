import { describe, expect, it } from 'vitest';
import { normalizeRoute, normalizeSidecarUrl, resolveOptions } from './options.ts';

describe('resolveOptions', () => {
  it('fills in defaults', () => {
    expect(resolveOptions()).toEqual({
      sidecarUrl: 'http://localhost:8969',
      anchor: 'bottom-right',
      showTriggerButton: true,
      fullPage: false,
      startFrom: '/errors',
      openOnInit: false,
      initialEvents: [],
      maxEnvelopes: 10_000,
      shortcut: 'mod+shift+s',
      connectBrowserSdk: true,
      debug: false,
      insights: { nPlusOneMin: 5, slowQueryMs: 100, repeatedCallMin: 5 },
      warnings: [],
    });
  });

  it('takes insights thresholds, and falls back to the defaults for junk', () => {
    expect(resolveOptions({ insights: { nPlusOneMin: 3, slowQueryMs: 250 } }).insights).toEqual({
      nPlusOneMin: 3,
      slowQueryMs: 250,
      repeatedCallMin: 5,
    });
    expect(resolveOptions({ insights: { nPlusOneMin: 1, slowQueryMs: Number.NaN } }).insights).toEqual({
      nPlusOneMin: 5,
      slowQueryMs: 100,
      repeatedCallMin: 5,
    });
  });

  it('resolves the sidecar URL: option, then the script origin, then localhost:8969', () => {
    expect(resolveOptions({ sidecarUrl: 'http://127.0.0.1:9000/' }, undefined, 'http://localhost:8969').sidecarUrl).toBe(
      'http://127.0.0.1:9000',
    );
    expect(resolveOptions({}, undefined, 'http://localhost:4321').sidecarUrl).toBe('http://localhost:4321');
    expect(resolveOptions({}, { sidecarUrl: 'http://localhost:5555/stream' }, 'http://localhost:4321').sidecarUrl).toBe(
      'http://localhost:5555',
    );
    const bad = resolveOptions({ sidecarUrl: 'javascript:alert(1)' });
    expect(bad.sidecarUrl).toBe('http://localhost:8969');
    expect(bad.warnings).toEqual(['sidecarUrl "javascript:alert(1)" is not an http(s) URL; using the default']);
  });

  it('lets init() options win over window.__spotlight.initOptions', () => {
    const resolved = resolveOptions({ anchor: 'top-left' }, { anchor: 'bottom-left', startFrom: 'traces', debug: true });
    expect(resolved.anchor).toBe('top-left');
    expect(resolved.startFrom).toBe('/traces');
    expect(resolved.debug).toBe(true);
  });

  it('accepts the six anchors and Spotlight 2 names, and warns about others', () => {
    expect(resolveOptions({ anchor: 'center-left' }).anchor).toBe('center-left');
    expect(resolveOptions({ anchor: 'topRight' as never }).anchor).toBe('top-right');
    const bad = resolveOptions({ anchor: 'middle' as never });
    expect(bad.anchor).toBe('bottom-right');
    expect(bad.warnings[0]).toBe('anchor "middle" is not one of bottom-right, bottom-left, top-right, top-left, center-right, center-left');
  });

  it('makes full page open, without a trigger', () => {
    const resolved = resolveOptions({ fullPage: true, showTriggerButton: true });
    expect(resolved.openOnInit).toBe(true);
    expect(resolved.showTriggerButton).toBe(false);
  });

  it('checks maxEnvelopes, shortcut and initialEvents', () => {
    expect(resolveOptions({ maxEnvelopes: 50.7 }).maxEnvelopes).toBe(50);
    expect(resolveOptions({ maxEnvelopes: 0 }).warnings).toEqual(['maxEnvelopes must be a number of at least 1']);
    expect(resolveOptions({ shortcut: false }).shortcut).toBe(false);
    const events = resolveOptions({ initialEvents: ['{}\n{"type":"event"}\n{}', new Uint8Array([1]), [{}, []], 42 as never] });
    expect(events.initialEvents).toHaveLength(3);
    expect(events.warnings).toEqual(['1 initialEvents were neither envelope text, bytes nor [header, items]']);
  });

  it('ignores a seed that is not an object', () => {
    expect(resolveOptions({}, 'nope').sidecarUrl).toBe('http://localhost:8969');
  });
});

describe('normalizers', () => {
  it('normalizes sidecar URLs', () => {
    expect(normalizeSidecarUrl('http://localhost:8969')).toBe('http://localhost:8969');
    expect(normalizeSidecarUrl('https://spotlight.test/base/')).toBe('https://spotlight.test/base');
    expect(normalizeSidecarUrl('not a url')).toBeUndefined();
    expect(normalizeSidecarUrl('file:///tmp/x')).toBeUndefined();
  });

  it('normalizes routes', () => {
    expect(normalizeRoute(undefined)).toBe('/errors');
    expect(normalizeRoute('/')).toBe('/errors');
    expect(normalizeRoute('#/traces/abc')).toBe('/traces/abc');
    expect(normalizeRoute('logs')).toBe('/logs');
  });
});
