// The app `spotlight run` runs in commands.test.ts: real @sentry/node, configured only by what `run`
// puts in the environment (no DSN, no spotlight option). MODE: 'report' prints the variables, writes to
// both streams, sends an error and exits 3; 'own-logs' sends its console output as Sentry logs too;
// 'wait' waits for a signal and reports it.
import * as Sentry from '@sentry/node';

const mode = process.env.MODE ?? 'report';
Sentry.init({
  release: 'run-app@1.0.0',
  enableLogs: true,
  integrations: mode === 'own-logs' ? [Sentry.consoleLoggingIntegration({ levels: ['log'] })] : [],
});

if (mode === 'report') {
  const names = Object.keys(process.env)
    .filter((name) => name.endsWith('SENTRY_SPOTLIGHT'))
    .sort();
  for (const name of names) console.log(`${name}=${process.env[name]}`);
  console.log(`SENTRY_TRACES_SAMPLE_RATE=${process.env.SENTRY_TRACES_SAMPLE_RATE}`);
  console.error('something went wrong on stderr');
  Sentry.captureException(new Error('run-app failed'));
  await Sentry.flush(5000);
  // Not process.exit(): the SDK's request to the sidecar may still be on its way.
  process.exitCode = 3;
}

if (mode === 'own-logs') {
  console.log('the app logs this itself');
  await Sentry.flush(5000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.stdout.write('printed after the app was seen logging\n');
  await Sentry.flush(5000);
}

if (mode === 'wait') {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(signal, () => {
      console.log(`got ${signal}`);
      process.exit(7);
    });
  }
  console.log('waiting');
  setInterval(() => {}, 1000);
}
