import { readFileSync } from 'node:fs';
import { readSessionFile, type SessionFileEntry } from '@spotlight/envelope';
import {
  CommandError,
  command,
  findOrStartSidecar,
  interrupted,
  parseCommandArgs,
  parsePort,
  SIDECAR_OPTIONS,
  UsageError,
} from './common.ts';

const HELP = `Usage: spotlight import <file...> [options]

Loads files of envelopes (what \`spotlight export\` or the overlay's Export button wrote, or single
.envelope files as SDKs send them) into the running sidecar, each envelope byte for byte, so every viewer
shows them. When no sidecar runs, one is started and kept running until Ctrl-C. \`-\` reads standard input.

Options:
  -p, --port <port>   the sidecar on this port (started there when none answers)
      --url <url>     the sidecar at this URL
  -h, --help          show this help
`;

async function readInput(path: string): Promise<Uint8Array> {
  if (path !== '-') {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new CommandError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const main = command('import', async (argv, env) => {
  const { values, positionals } = parseCommandArgs('import', argv, SIDECAR_OPTIONS);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name a file to import (or - for standard input)');
  // Every file is read and checked before anything is sent: a bad file imports nothing.
  const files: { path: string; entries: SessionFileEntry[] }[] = [];
  for (const path of positionals) {
    try {
      files.push({ path, entries: readSessionFile(await readInput(path)) });
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError(`${path} is not a file of envelopes: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const target = await findOrStartSidecar({ url: values.url, port: parsePort(values.port), mayStart: true, env });
  let imported = 0;
  for (const { path, entries } of files) {
    for (const entry of entries) {
      const response = await fetch(`${target.url}/stream`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-sentry-envelope' },
        body: new Uint8Array(entry.bytes),
      });
      if (!response.ok)
        throw new CommandError(`${target.url} refused envelope ${imported + 1} of ${path}: ${(await response.text()).trim()}`);
      imported++;
    }
  }
  process.stderr.write(`spotlight import: ${imported} envelope${imported === 1 ? '' : 's'} loaded into ${target.url}\n`);
  if (target.owned) {
    process.stderr.write(`spotlight import: open ${target.url} to see them; press Ctrl-C to stop\n`);
    await interrupted();
    await target.close();
  }
  return 0;
});
