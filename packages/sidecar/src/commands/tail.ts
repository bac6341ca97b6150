import { parseSeconds } from '../config.ts';
import { idTimestamp } from '../ids.ts';
import { formatHuman } from '../tail/human.ts';
import { formatJson } from '../tail/json.ts';
import { formatLogfmt } from '../tail/logfmt.ts';
import { formatMarkdown } from '../tail/md.ts';
import { type TailKind, type TailRecord, TailRecords } from '../tail/records.ts';
import { command, findOrStartSidecar, interrupted, parseCommandArgs, parsePort, SIDECAR_OPTIONS, UsageError } from './common.ts';

const HELP = `Usage: spotlight tail [errors|logs|traces|all...] [options]

Prints what your SDKs send to the running sidecar (or to one it starts), first what the sidecar holds,
then live. Errors are grouped by issue: a repeat prints (×N) instead of a new entry.

Options:
  -f, --format <format>   human (default; colour on a terminal), logfmt, json (NDJSON), md
      --since <duration>  only what arrived in the last <duration>: 30s, 5m, 1h
      --no-replay         only what arrives from now on
      --color, --no-color colours in the human format (default: on a terminal, unless NO_COLOR is set)
  -p, --port <port>       the sidecar on this port (started there when none answers)
      --url <url>         the sidecar at this URL
  -h, --help              show this help

Exits 0 on Ctrl-C, 1 when the sidecar goes away.
`;

const KINDS: Readonly<Record<string, readonly TailKind[]>> = {
  errors: ['error'],
  error: ['error'],
  logs: ['log'],
  log: ['log'],
  traces: ['trace'],
  trace: ['trace'],
  all: ['error', 'log', 'trace'],
  everything: ['error', 'log', 'trace'],
  '*': ['error', 'log', 'trace'],
};

const FORMATS = ['human', 'logfmt', 'json', 'md'] as const;
type Format = (typeof FORMATS)[number];

export const main = command('tail', async (argv, env) => {
  const { values, positionals } = parseCommandArgs('tail', argv, {
    ...SIDECAR_OPTIONS,
    format: { type: 'string', short: 'f', default: 'human' },
    since: { type: 'string' },
    replay: { type: 'boolean', default: true },
    color: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const kinds = new Set<TailKind>();
  for (const word of positionals.length > 0 ? positionals : ['all']) {
    const named = KINDS[word.toLowerCase()];
    if (!named) throw new UsageError(`unknown kind ${JSON.stringify(word)}: use errors, logs, traces or all`);
    for (const kind of named) kinds.add(kind);
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
  let since = Number.NEGATIVE_INFINITY;
  if (values.since !== undefined) {
    const seconds = parseSeconds(values.since);
    if (seconds === undefined)
      throw new UsageError(`--since: expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(values.since)}`);
    since = Date.now() - seconds * 1000;
  }
  if (!values.replay) since = Date.now();
  const color = values.color ?? (process.stdout.isTTY === true && !env.NO_COLOR);
  const render = (record: TailRecord): string => {
    switch (format) {
      case 'logfmt':
        return formatLogfmt(record);
      case 'json':
        return formatJson(record);
      case 'md':
        return formatMarkdown(record);
      default:
        return formatHuman(record, { color });
    }
  };

  const target = await findOrStartSidecar({ url: values.url, port: parsePort(values.port), mayStart: true, env });
  if (target.owned) process.stderr.write(`spotlight tail: no sidecar was running; started one at ${target.url} for as long as this runs\n`);
  const { connectSse } = await import('sentry-spotlight/data/sseClient.ts');
  const records = new TailRecords(kinds);
  // Whoever reads our output may go (`| head`): then there is nothing left to do.
  let outputGone = false;
  process.stdout.on('error', () => {
    outputGone = true;
  });

  const ended = new Promise<number>((resolve) => {
    let opened = false;
    const sse = connectSse({
      url: `${target.url}/stream`,
      idleTimeoutMs: 0,
      readSliceMs: 0,
      onEnvelope: (envelope, id) => {
        const receivedAt = (id !== undefined ? idTimestamp(id) : undefined) ?? Date.now();
        if (receivedAt < since) return;
        const lines = records.of({ id: id ?? `local-${receivedAt}`, receivedAt, envelope }).map(render);
        if (lines.length > 0 && !outputGone) process.stdout.write(`${lines.join('\n')}\n`);
        if (outputGone) finish(0);
      },
      onConnection: (state) => {
        if (state.status === 'open') opened = true;
        if (state.status !== 'reconnecting') return;
        process.stderr.write(
          opened
            ? `spotlight tail: the sidecar at ${target.url} went away\n`
            : `spotlight tail: could not read ${target.url}/stream: ${state.error ?? 'no answer'}\n`,
        );
        finish(1);
      },
    });
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      sse.close();
      void target.close().finally(() => resolve(code));
    };
    void interrupted().then(() => finish(0));
  });
  return ended;
});
