// A script with no DSN: Spotlight's init() sets @sentry/node up; prints what the hook did as JSON.
import * as Sentry from '@sentry/node';
import { init } from '@spotlight/sdk-hooks/node';

const handle = init();
const tag = process.env.TEST_TAG ?? 'script';

await Sentry.startSpan({ name: `script ${tag}`, op: 'script' }, async () => {
  await Sentry.startSpan({ name: `step ${tag}` }, () => new Promise((resolve) => setTimeout(resolve, 5)));
  Sentry.logger.info(`log from ${tag}`);
  Sentry.captureException(new Error(`error from ${tag}`));
});
await Sentry.flush(15_000);
process.stdout.write(
  `${JSON.stringify({ enabled: handle.enabled, reason: handle.reason, url: handle.sidecarUrl(), stats: handle.stats(), env: process.env.SENTRY_SPOTLIGHT ?? null })}\n`,
);
