import { describe, expect, it } from 'vitest';
import { hostnameOfHostHeader, isAllowedHost, isLocalOrigin, isLoopbackHostname, OriginPolicy } from './origins.ts';
import { expectAll } from './test/expectAll.ts';

describe('isLoopbackHostname', () => {
  it('accepts loopback names and addresses', () => {
    expectAll(
      isLoopbackHostname,
      ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'],
      true,
    );
  });

  it('refuses everything else', () => {
    expectAll(
      isLoopbackHostname,
      ['evil.com', 'localhost.evil.com', '128.0.0.1', '127.0.0.256', '10.0.0.1', '0.0.0.0', '::', 'fe80::1', 'localhost.'],
      false,
    );
  });
});

describe('hostnameOfHostHeader', () => {
  it('strips ports and brackets', () => {
    expect(hostnameOfHostHeader('localhost:8969')).toBe('localhost');
    expect(hostnameOfHostHeader('[::1]:8969')).toBe('::1');
    expect(hostnameOfHostHeader('[::1]')).toBe('::1');
    expect(hostnameOfHostHeader('Example.COM')).toBe('example.com');
  });
});

describe('isAllowedHost', () => {
  it('accepts loopback hosts with any port', () => {
    expectAll(
      (host: string) => isAllowedHost(host, []),
      ['localhost', 'localhost:8969', '127.0.0.1:1', '[::1]:8969', 'web.localhost:3000'],
      true,
    );
  });

  it('refuses other hosts: a rebound DNS name carries its own name in Host', () => {
    expectAll((host: string) => isAllowedHost(host, []), ['evil.com', 'evil.com:8969', '192.168.1.20:8969', 'localhost.evil.com'], false);
  });

  it('accepts configured hosts: a bare name for any port, name:port for that port', () => {
    expect(isAllowedHost('devbox:8969', ['devbox'])).toBe(true);
    expect(isAllowedHost('DEVBOX', ['devbox'])).toBe(true);
    expect(isAllowedHost('devbox:8969', ['devbox:8969'])).toBe(true);
    expect(isAllowedHost('devbox:9000', ['devbox:8969'])).toBe(false);
    expect(isAllowedHost('[fd00::5]:8969', ['fd00::5'])).toBe(true);
  });
});

describe('origins', () => {
  it('treats http and https pages on loopback as local, any port', () => {
    expectAll(
      isLocalOrigin,
      ['http://localhost:3000', 'https://localhost', 'http://127.0.0.1:5173', 'http://[::1]:8080', 'http://app.localhost:3000'],
      true,
    );
    expectAll(
      isLocalOrigin,
      ['http://evil.com', 'null', 'file://', 'chrome-extension://abc', 'http://localhost.evil.com', 'ws://localhost:1'],
      false,
    );
  });

  it('adds configured origins, compared in normalized form', () => {
    const policy = new OriginPolicy(['https://App.example.test/', 'null']);
    expect(policy.isAllowed('https://app.example.test')).toBe(true);
    expect(policy.isAllowed('null')).toBe(true);
    expect(policy.isAllowed('https://app.example.test:8443')).toBe(false);
    expect(policy.isAllowed('http://localhost:1234')).toBe(true);
    expect(new OriginPolicy([]).isAllowed('null')).toBe(false);
  });
});
