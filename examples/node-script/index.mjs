// A plain Node script (a nightly import, a CLI, a cron job) debugged with Spotlight: one init call, no DSN.
// The first envelope starts the sidecar if none runs (it exits by itself after a while without use).
import * as Sentry from '@sentry/node';
import * as Spotlight from 'sentry-spotlight';

Spotlight.init({ sentry: Sentry, sentryOptions: { release: 'inventory-import@1.0.0' } });

class ImportError extends Error {
  name = 'ImportError';
}

function parseRow(line, number) {
  const [sku, quantity] = line.split(',');
  if (!quantity) throw new ImportError(`Row ${number} has no quantity: "${line}"`);
  return { sku, quantity: Number(quantity) };
}

Sentry.startSpan({ name: 'import inventory.csv', op: 'task' }, () => {
  Sentry.logger.info('import started', { file: 'inventory.csv' });
  const rows = ['SKU-1,4', 'SKU-2,9', 'SKU-3'];
  // Throws on the third row: an uncaught exception, which the SDK reports (and flushes) before the script exits.
  return rows.map((line, index) => parseRow(line, index + 1));
});
