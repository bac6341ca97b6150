// One init order of the app's own @sentry/node (SDK_MODULE: @sentry/node or an alias of 8, 9, 10) and
// Spotlight, as an app writes it; captures an error in a span and a log, then prints what the hook did.
import { subscribe } from 'node:diagnostics_channel';
import * as Spotlight from '@spotlight/sdk-hooks/node';

// Envelope POSTs made with Node's http (Sentry's own Spotlight integration sends so; Spotlight does not):
// any that is not stopped before it leaves would be a second copy, or a send to a sidecar nobody started.
let envelopePosts = 0;
let envelopePostsSent = 0;
subscribe('http.client.request.start', ({ request }) => {
  if (!String(request.getHeader('content-type')).includes('x-sentry-envelope')) return;
  envelopePosts++;
  // A request stopped at its start never gets a socket.
  request.once('socket', () => envelopePostsSent++);
});

const Sentry = await import(process.env.SDK_MODULE ?? '@sentry/node');
const tag = process.env.TEST_TAG ?? 'order';
const appOptions = { tracesSampleRate: 1, release: `app@${tag}` };
let handle;
switch (process.env.INIT_ORDER) {
  case 'sentry-first':
    Sentry.init(appOptions);
    handle = Spotlight.init();
    break;
  case 'spotlight-first':
    handle = Spotlight.init({ sentry: Sentry });
    Sentry.init(appOptions);
    break;
  case 'integration': {
    const integration = Spotlight.spotlightIntegration();
    Sentry.init({ ...appOptions, integrations: [integration] });
    handle = integration.handle;
    break;
  }
  default:
    throw new Error(`INIT_ORDER "${process.env.INIT_ORDER}"?`);
}

Sentry.startSpan({ name: `span ${tag}`, op: 'script' }, () => {
  Sentry.captureException(new Error(`error ${tag}`));
});
await Sentry.flush(15_000);
process.stdout.write(
  `${JSON.stringify({
    sdk: Sentry.SDK_VERSION,
    enabled: handle?.enabled,
    url: handle?.sidecarUrl(),
    stats: handle?.stats(),
    envelopePosts,
    envelopePostsSent,
  })}\n`,
);
