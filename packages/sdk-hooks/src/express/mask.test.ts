import { describe, expect, it } from 'vitest';
import { FILTERED, maskQueryString, maskRecord, maskString, maskValue } from './mask.ts';

describe('maskRecord', () => {
  it('masks every variable whose name looks like a secret, token, key, password, auth, cookie, session or dsn', () => {
    const env = {
      STRIPE_SECRET_KEY: 'sk_test_123',
      GITHUB_TOKEN: 'ghp_abc',
      OPENAI_API_KEY: 'sk-xyz',
      DB_PASSWORD: 'hunter2',
      MYSQL_PWD: 'hunter3',
      NEXTAUTH_URL: 'http://localhost:3000',
      COOKIE_DOMAIN: 'example.test',
      SESSION_STORE: 'redis',
      SENTRY_DSN: 'https://public@o1.ingest.example/1',
      AWS_ACCESS_KEY_ID: 'AKIA',
      GOOGLE_APPLICATION_CREDENTIALS: '/home/dev/creds.json',
      JWT_PRIVATE: 'pem',
      HOME: '/home/dev',
      PORT: '3000',
      NODE_ENV: 'development',
      DATABASE_URL: 'postgres://app:s3cr3t@db.local:5432/shop',
    };
    expect(maskRecord(env)).toEqual({
      STRIPE_SECRET_KEY: FILTERED,
      GITHUB_TOKEN: FILTERED,
      OPENAI_API_KEY: FILTERED,
      DB_PASSWORD: FILTERED,
      MYSQL_PWD: FILTERED,
      NEXTAUTH_URL: FILTERED,
      COOKIE_DOMAIN: FILTERED,
      SESSION_STORE: FILTERED,
      SENTRY_DSN: FILTERED,
      AWS_ACCESS_KEY_ID: FILTERED,
      GOOGLE_APPLICATION_CREDENTIALS: FILTERED,
      JWT_PRIVATE: FILTERED,
      HOME: '/home/dev',
      PORT: '3000',
      NODE_ENV: 'development',
      DATABASE_URL: 'postgres://app:[Filtered]@db.local:5432/shop',
    });
  });

  it('joins repeated header values and drops undefined ones', () => {
    expect(maskRecord({ 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'], authorization: 'Bearer t', 'x-none': undefined })).toEqual({
      'x-forwarded-for': '1.1.1.1, 2.2.2.2',
      authorization: FILTERED,
    });
  });
});

describe('maskString', () => {
  it('masks the password of any URL in the text and keeps the rest', () => {
    expect(maskString('connect redis://:pw@cache:6379 and amqp://guest:guest@mq/vhost, not http://host/a:b@c')).toBe(
      'connect redis://:[Filtered]@cache:6379 and amqp://guest:[Filtered]@mq/vhost, not http://host/a:b@c',
    );
  });
});

describe('maskQueryString', () => {
  it('masks secret-looking parameters and keeps the others as sent', () => {
    expect(maskQueryString('token=abc&page=2&q=a%20b&api_key=1&access%5Ftoken=2')).toBe(
      'token=[Filtered]&page=2&q=a%20b&api_key=[Filtered]&access%5Ftoken=[Filtered]',
    );
    expect(maskQueryString('')).toBe('');
  });
});

describe('maskValue', () => {
  it('masks secret-looking fields at any depth', () => {
    expect(maskValue({ user: { name: 'ada', password: 'x', tokens: ['a'] }, items: [{ apiKey: 'k', qty: 2 }] })).toEqual({
      user: { name: 'ada', password: FILTERED, tokens: FILTERED },
      items: [{ apiKey: FILTERED, qty: 2 }],
    });
  });

  it('bounds depth, entries and string length', () => {
    const limits = { maxDepth: 2, maxEntries: 2, maxStringLength: 5 };
    expect(maskValue({ a: { b: { c: 1 } }, s: 'abcdefgh', z: 1 }, limits)).toEqual({
      a: { b: '[Object]' },
      s: 'abcde… [8 characters]',
      '…': '[1 more keys]',
    });
    expect(maskValue([1, 2, 3, 4], limits)).toEqual([1, 2, '[2 more items]']);
  });
});
