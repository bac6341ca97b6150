import { describe, expect, it } from 'vitest';
import { isLoopbackHostname, loopbackSidecarUrl, sidecarBaseUrl, sidecarStreamUrl } from './url.ts';

describe('sidecar URLs', () => {
  it('normalizes the base form and the /stream form SDKs use to one base URL', () => {
    expect(sidecarBaseUrl('http://localhost:8969')).toBe('http://localhost:8969');
    expect(sidecarBaseUrl('http://localhost:8969/')).toBe('http://localhost:8969');
    expect(sidecarBaseUrl('http://localhost:8969/stream')).toBe('http://localhost:8969');
    expect(sidecarBaseUrl(' http://127.0.0.1:9000/proxy/stream/ ')).toBe('http://127.0.0.1:9000/proxy');
    expect(sidecarStreamUrl('http://localhost:8969')).toBe('http://localhost:8969/stream');
  });

  it('refuses what is not an http(s) URL, and URLs with credentials', () => {
    expect(sidecarBaseUrl('localhost:8969')).toBeUndefined();
    expect(sidecarBaseUrl('file:///etc/passwd')).toBeUndefined();
    expect(sidecarBaseUrl('http://user:pw@localhost:8969')).toBeUndefined();
    expect(sidecarBaseUrl('true')).toBeUndefined();
  });

  it('knows loopback: localhost, 127.0.0.0/8, ::1 and IPv4-mapped 127.x', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '[::ffff:7f00:1]']) {
      expect(isLoopbackHostname(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '10.0.0.1', '128.0.0.1', 'localhost.evil.test', 'evil.test', '[::2]', '127.0.0.256']) {
      expect(isLoopbackHostname(host)).toBe(false);
    }
  });

  it('honours only loopback URLs (as URL normalizes them) for env and baggage', () => {
    expect(loopbackSidecarUrl('http://localhost:8969/stream')).toBe('http://localhost:8969');
    expect(loopbackSidecarUrl('http://[::1]:8969')).toBe('http://[::1]:8969');
    expect(loopbackSidecarUrl('http://127.1:8969')).toBe('http://127.0.0.1:8969');
    expect(loopbackSidecarUrl('http://0x7f000001:8969')).toBe('http://127.0.0.1:8969');
    expect(loopbackSidecarUrl('http://attacker.test:8969/stream')).toBeUndefined();
    expect(loopbackSidecarUrl('http://localhost@attacker.test/')).toBeUndefined();
    expect(loopbackSidecarUrl('http://192.168.1.5:8969')).toBeUndefined();
  });
});
