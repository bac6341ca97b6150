// What a new user writes: @sentry/node with Spotlight and no account. Run by sentryNode.test.ts with
// SIDECAR_URL set and MODE = 'spotlight' (the `spotlight` option, no DSN) or 'dsn' (a DSN pointing
// at the sidecar).
import * as Sentry from '@sentry/node';

const url = new URL(process.env.SIDECAR_URL);
Sentry.init({
  ...(process.env.MODE === 'dsn' ? { dsn: `http://publickey@${url.host}/0` } : { spotlight: `${url.origin}/stream` }),
  release: 'new-user@1.0.0',
  environment: 'development',
  tracesSampleRate: 1,
  enableLogs: true,
});

Sentry.startSpan({ name: 'checkout', op: 'function' }, () => {
  Sentry.startSpan({ name: 'load cart', op: 'db.query' }, () => {});
  Sentry.logger.info('cart loaded', { items: 3 });
  try {
    throw new Error('payment declined');
  } catch (error) {
    Sentry.captureException(error);
  }
});
await Sentry.flush(5000);
