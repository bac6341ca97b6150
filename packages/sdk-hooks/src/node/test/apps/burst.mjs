// A burst of synchronous errors from a script (SDK_MODULE: @sentry/node or an alias of 8, 9, 10). With
// EXIT=natural it neither flushes nor waits: the process ends when its work is done. Prints the hook's
// stats as the process exits.
import * as Spotlight from '@spotlight/sdk-hooks/node';

const Sentry = await import(process.env.SDK_MODULE ?? '@sentry/node');
const tag = process.env.TEST_TAG ?? 'burst';
const count = Number(process.env.BURST ?? 500);
const maxQueue = process.env.MAX_QUEUE ? Number(process.env.MAX_QUEUE) : undefined;
const handle = Spotlight.init({ sentry: Sentry, maxQueue });
process.on('exit', () => {
  process.stdout.write(`${JSON.stringify({ sdk: Sentry.SDK_VERSION, url: handle.sidecarUrl(), stats: handle.stats() })}\n`);
});

for (let i = 0; i < count; i++) Sentry.captureException(new Error(`${tag} ${i}`));
if (process.env.EXIT !== 'natural') await Sentry.flush(30_000);
