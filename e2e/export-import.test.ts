import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSessionFile } from '@spotlight/envelope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, overlay, screenshot } from './helpers/browser.ts';
import { eventually, textOf } from './helpers/overlay.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { type Sidecar, startSidecar } from './helpers/processes.ts';

// A bug shared as one file: the overlay's Export button saves what the sidecar holds, and dropping the
// file on another sidecar's overlay loads the same envelopes there, byte for byte.

// One trace across two services: one session, which the full page shows (and so exports).
const FIXTURES = [
  'sentry-node-11.12/express-web-span.envelope',
  'sentry-node-11.12/express-api-span.envelope',
  'sentry-node-11.12/express-api-event.envelope',
].map((name) => readFileSync(`${REPO_ROOT}/fixtures/${name}`));

let source: Sidecar;
let target: Sidecar;
let browser: Browser;

beforeAll(async () => {
  [source, target] = await Promise.all([startSidecar(), startSidecar()]);
  for (const body of FIXTURES) {
    const response = await fetch(`${source.url}/stream`, { method: 'POST', body: new Uint8Array(body) });
    expect(response.status).toBe(200);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([source?.stop(), target?.stop()]);
});

async function exportedEnvelopes(url: string): Promise<Buffer[]> {
  const response = await fetch(`${url}/export`);
  return readSessionFile(new Uint8Array(await response.arrayBuffer())).map((entry) => Buffer.from(entry.bytes));
}

describe('sharing a session as a file from the overlay', () => {
  it('exports with the Export button and imports by dropping the file on the panel', async () => {
    const page = await browser.newPage();
    await page.goto(`${source.url}/#/errors`);
    await eventually(() => textOf(overlay(page).getByTestId('connection-status')), 'Live');
    const [download] = await Promise.all([page.waitForEvent('download'), overlay(page).getByTestId('export-button').click()]);
    expect(download.suggestedFilename()).toMatch(
      /^spotlight-selection-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.envelope$|^spotlight-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.envelope$/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'spotlight-e2e-export-')), download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect(readSessionFile(bytes).map((entry) => Buffer.from(entry.bytes))).toEqual(FIXTURES);
    await eventually(() => textOf(overlay(page).getByTestId('panel-notice')), 'Exported 3 envelopes');

    const other = await browser.newPage();
    await other.goto(`${target.url}/#/errors`);
    await eventually(() => textOf(overlay(other).getByTestId('connection-status')), 'Live');
    const transfer = await other.evaluateHandle(
      ({ data, name }) => {
        const dataTransfer = new DataTransfer();
        dataTransfer.items.add(new File([new Uint8Array(data)], name, { type: 'application/octet-stream' }));
        return dataTransfer;
      },
      { data: [...bytes], name: download.suggestedFilename() },
    );
    const panel = overlay(other).getByRole('dialog', { name: 'Spotlight' });
    await panel.dispatchEvent('dragover', { dataTransfer: transfer });
    await eventually(async () => (await overlay(other).getByTestId('drop-zone').count()) === 1, true);
    await screenshot(other, 'export-import-drop-zone');
    await panel.dispatchEvent('drop', { dataTransfer: transfer });
    await eventually(() => textOf(overlay(other).getByTestId('panel-notice')), `Imported 3 envelopes from ${download.suggestedFilename()}`);
    await eventually(async () => (await overlay(other).getByTestId('tab-errors-count').textContent()) ?? '', '1');
    await screenshot(other, 'export-import-imported');
    expect(await exportedEnvelopes(target.url)).toEqual(FIXTURES);
  });
});
