import { describe, expect, it } from 'vitest';
import { isOwnEndpoint } from './forwarding.ts';
import { expectAll } from './test/expectAll.ts';

describe('isOwnEndpoint', () => {
  it('is true for the sidecar port on any loopback name, or on the address it is bound to', () => {
    const own = (endpoint: string) => isOwnEndpoint(endpoint, 8969, undefined);
    expectAll(
      own,
      ['http://localhost:8969/api/0/envelope/', 'http://127.0.0.1:8969/api/0/envelope/', 'http://127.1.2.3:8969/api/0/envelope/'],
      true,
    );
    expectAll(own, ['http://[::1]:8969/api/0/envelope/', 'http://spotlight.localhost:8969/api/0/envelope/'], true);
    expect(isOwnEndpoint('http://192.168.1.20:8969/api/0/envelope/', 8969, '192.168.1.20')).toBe(true);
    expect(isOwnEndpoint('http://localhost/api/0/envelope/', 80, undefined)).toBe(true);
  });

  it('is false for another port or another host', () => {
    expect(isOwnEndpoint('http://localhost:9000/api/0/envelope/', 8969, undefined)).toBe(false);
    expect(isOwnEndpoint('https://o1.ingest.sentry.io/api/1/envelope/', 443, undefined)).toBe(false);
    expect(isOwnEndpoint('http://192.168.1.20:8969/api/0/envelope/', 8969, undefined)).toBe(false);
  });
});
