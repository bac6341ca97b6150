import { writeFileSync } from 'node:fs';
import { CommandError, command, findOrStartSidecar, parseCommandArgs, parsePort, SIDECAR_OPTIONS, UsageError } from './common.ts';

const HELP = `Usage: spotlight export [-o <file>] [--trace <id>] [--session <id>] [options]

Saves what the running sidecar holds as one file of Sentry envelopes, each byte for byte as the SDK sent
it, to share a bug as one file: \`spotlight import <file>\` (or dropping it on the overlay) loads it.

Options:
  -o, --output <file>   where to write (default: standard output when it is not a terminal, else
                        spotlight-<time>.envelope in this folder)
      --trace <id>      only the envelopes of this trace (its id, or its first 8 characters)
      --session <id>    only this session's envelopes (\`current\`: the latest)
  -p, --port <port>     the sidecar on this port
      --url <url>       the sidecar at this URL
  -h, --help            show this help
`;

export const main = command('export', async (argv, env) => {
  const { values } = parseCommandArgs(
    'export',
    argv,
    { ...SIDECAR_OPTIONS, output: { type: 'string', short: 'o' }, trace: { type: 'string' }, session: { type: 'string' } },
    false,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.trace !== undefined && values.session !== undefined) throw new UsageError('--trace and --session cannot be combined');
  const target = await findOrStartSidecar({ url: values.url, port: parsePort(values.port), mayStart: false, env });
  const query =
    values.trace !== undefined
      ? `?trace=${encodeURIComponent(values.trace)}`
      : values.session !== undefined
        ? `?session=${encodeURIComponent(values.session)}`
        : '';
  const response = await fetch(`${target.url}/export${query}`).catch((error: unknown) => {
    throw new CommandError(`could not reach ${target.url}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw new CommandError(`${target.url} answered ${response.status}: ${(await response.text()).trim()}`);
  const file = new Uint8Array(await response.arrayBuffer());
  const count = response.headers.get('x-spotlight-envelopes') ?? '?';
  const suggested = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'spotlight.envelope';
  const output = values.output ?? (process.stdout.isTTY ? suggested : '-');
  if (output === '-') {
    await new Promise<void>((resolve) => process.stdout.write(file, () => resolve()));
  } else {
    writeFileSync(output, file);
  }
  process.stderr.write(
    `spotlight export: ${count} envelope${count === '1' ? '' : 's'} (${file.byteLength} bytes) from ${target.url}${output === '-' ? '' : ` written to ${output}`}\n`,
  );
  return 0;
});
