// A checkout service instrumented with @sentry/node 11 through Spotlight (no DSN). It calls the
// OpenTelemetry-only inventory service; `propagateTraceparent` makes the SDK add the W3C `traceparent`
// header, which OpenTelemetry reads, to its outgoing requests (besides `sentry-trace` and `baggage`).
import * as Sentry from '@sentry/node';
import * as Spotlight from 'sentry-spotlight';

Spotlight.init({ sentry: Sentry, sentryOptions: { release: 'checkout@2.0.0', propagateTraceparent: true } });

const inventory = process.argv[2];
await Sentry.startSpan({ name: 'POST /checkout', op: 'http.server' }, async () => {
  for (const sku of ['SKU-42', 'SKU-404']) {
    const answer = await fetch(`${inventory}/stock/${sku}`);
    Sentry.logger.info(Sentry.logger.fmt`inventory answered ${answer.status} for ${sku}`);
  }
});
await Sentry.flush(5000);
console.log('checkout done');
