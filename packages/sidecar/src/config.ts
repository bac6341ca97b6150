/**
 * The sidecar's configuration: one table of options, each a CLI flag and an environment variable
 * with a documented default. `--help`, the README and node:util's parseArgs options are made from
 * the same table.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export interface SidecarConfig {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind; undefined binds the loopback addresses 127.0.0.1 and ::1. */
  readonly host: string | undefined;
  /** Origins allowed besides local ones (CORS and the cross-site guard), e.g. `https://app.example.test`. */
  readonly allowedOrigins: readonly string[];
  /** Host header values allowed besides loopback names and addresses (the DNS-rebinding guard). */
  readonly allowedHosts: readonly string[];
  /** Largest request body as received (before decompression). */
  readonly maxBodyBytes: number;
  /** Largest request body after decompression. */
  readonly maxDecompressedBytes: number;
  /** Most items in one envelope. */
  readonly maxItems: number;
  /** Ring buffer bound: envelopes held. */
  readonly maxEnvelopes: number;
  /** Ring buffer bound: bytes held (stored envelopes plus their SSE frames). */
  readonly maxBufferBytes: number;
  /** Ring buffer bound: seconds an envelope is kept. */
  readonly maxAgeSeconds: number;
  /** Most SSE viewers at once. */
  readonly maxViewers: number;
  /** A viewer whose unsent bytes pass this is disconnected (it can resume with Last-Event-ID). */
  readonly maxViewerQueueBytes: number;
  /** Seconds between SSE heartbeat comments. */
  readonly heartbeatSeconds: number;
  /** Exit after this many seconds without envelopes and without viewers; 0 = never. */
  readonly idleExitSeconds: number;
  /** File to write `{url, port, pid, startedAt}` to once listening (removed on exit). */
  readonly stateFile: string | undefined;
  /** DSNs to forward every envelope to. */
  readonly forward: readonly string[];
  /** Share of traces the forwarded copy keeps, in [0, 1], on top of the app's own sampling (errors are not sampled). */
  readonly forwardSampleRate: number;
  /** Folder holding the overlay's built page (index.html, assets/); undefined: the `sentry-spotlight` package's dist/. */
  readonly overlayDir: string | undefined;
  /** Folders whose files stack frames may be read from for source context; empty: the folder the sidecar started in. */
  readonly sourceRoots: readonly string[];
  /** Log every request and decision to stderr. */
  readonly debug: boolean;
}

export type CliAction = 'run' | 'help' | 'version';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_PORT = 8969;

export const DEFAULT_CONFIG: SidecarConfig = {
  port: DEFAULT_PORT,
  host: undefined,
  allowedOrigins: [],
  allowedHosts: [],
  maxBodyBytes: 20 * MiB,
  maxDecompressedBytes: 100 * MiB,
  maxItems: 1000,
  maxEnvelopes: 10_000,
  // About 2,300 error envelopes of 6.6 KB or 10,000 under 1.5 KB (the published sidecar keeps 500), and
  // the sidecar stays a small process: a debugger beside every app must not cost hundreds of MiB.
  maxBufferBytes: 16 * MiB,
  maxAgeSeconds: 60 * 60,
  maxViewers: 100,
  // Frames a viewer has not taken yet keep their memory from being carved again: this bounds that too.
  maxViewerQueueBytes: 8 * MiB,
  heartbeatSeconds: 15,
  idleExitSeconds: 0,
  stateFile: undefined,
  forward: [],
  forwardSampleRate: 1,
  overlayDir: undefined,
  sourceRoots: [],
  debug: false,
};

type Kind = 'port' | 'count' | 'size' | 'seconds' | 'rate' | 'string' | 'list' | 'flag';

export interface OptionSpec {
  readonly key: keyof SidecarConfig;
  readonly flag: `--${string}`;
  readonly short?: `-${string}`;
  readonly env: `SPOTLIGHT_${string}`;
  readonly kind: Kind;
  /** How --help and the README name the value (`<port>`, `<dsn>`...); none for on/off flags. */
  readonly arg?: string;
  /** The default as the README and --help show it. */
  readonly shownDefault: string;
  readonly help: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'port',
    arg: '<port>',
    flag: '--port',
    short: '-p',
    env: 'SPOTLIGHT_PORT',
    kind: 'port',
    shownDefault: '8969',
    help: 'port to listen on (0: any free port, printed)',
  },
  {
    key: 'host',
    arg: '<address>',
    flag: '--host',
    env: 'SPOTLIGHT_HOST',
    kind: 'string',
    shownDefault: '127.0.0.1 and ::1',
    help: 'address to bind; anything but loopback exposes your events to the network',
  },
  {
    key: 'allowedOrigins',
    arg: '<origin>',
    flag: '--allowed-origin',
    short: '-A',
    env: 'SPOTLIGHT_ALLOWED_ORIGINS',
    kind: 'list',
    shownDefault: 'none (local origins only)',
    help: 'extra origin allowed to send and read (repeatable; env: comma-separated)',
  },
  {
    key: 'allowedHosts',
    arg: '<host>',
    flag: '--allowed-host',
    env: 'SPOTLIGHT_ALLOWED_HOSTS',
    kind: 'list',
    shownDefault: 'none (loopback names only)',
    help: 'extra Host header value accepted, e.g. a container name (repeatable; env: comma-separated)',
  },
  {
    key: 'maxBodyBytes',
    arg: '<size>',
    flag: '--max-body-bytes',
    env: 'SPOTLIGHT_MAX_BODY_BYTES',
    kind: 'size',
    shownDefault: '20MiB',
    help: 'largest request body as sent',
  },
  {
    key: 'maxDecompressedBytes',
    arg: '<size>',
    flag: '--max-decompressed-bytes',
    env: 'SPOTLIGHT_MAX_DECOMPRESSED_BYTES',
    kind: 'size',
    shownDefault: '100MiB',
    help: 'largest request body after decompression',
  },
  {
    key: 'maxItems',
    arg: '<count>',
    flag: '--max-items',
    env: 'SPOTLIGHT_MAX_ITEMS',
    kind: 'count',
    shownDefault: '1000',
    help: 'most items in one envelope',
  },
  {
    key: 'maxEnvelopes',
    arg: '<count>',
    flag: '--max-envelopes',
    env: 'SPOTLIGHT_MAX_ENVELOPES',
    kind: 'count',
    shownDefault: '10000',
    help: 'envelopes kept for replay',
  },
  {
    key: 'maxBufferBytes',
    arg: '<size>',
    flag: '--max-buffer-bytes',
    env: 'SPOTLIGHT_MAX_BUFFER_BYTES',
    kind: 'size',
    shownDefault: '16MiB',
    help: 'bytes kept for replay (envelopes as received, decompressed)',
  },
  {
    key: 'maxAgeSeconds',
    arg: '<seconds>',
    flag: '--max-age',
    env: 'SPOTLIGHT_MAX_AGE',
    kind: 'seconds',
    shownDefault: '3600',
    help: 'seconds an envelope is kept for replay',
  },
  {
    key: 'maxViewers',
    arg: '<count>',
    flag: '--max-viewers',
    env: 'SPOTLIGHT_MAX_VIEWERS',
    kind: 'count',
    shownDefault: '100',
    help: 'most SSE viewers at once',
  },
  {
    key: 'maxViewerQueueBytes',
    arg: '<size>',
    flag: '--max-viewer-queue-bytes',
    env: 'SPOTLIGHT_MAX_VIEWER_QUEUE_BYTES',
    kind: 'size',
    shownDefault: '8MiB',
    help: 'unsent bytes after which a viewer that stopped reading is disconnected',
  },
  {
    key: 'heartbeatSeconds',
    arg: '<seconds>',
    flag: '--heartbeat',
    env: 'SPOTLIGHT_HEARTBEAT',
    kind: 'seconds',
    shownDefault: '15',
    help: 'seconds between SSE heartbeat comments',
  },
  {
    key: 'idleExitSeconds',
    arg: '<seconds>',
    flag: '--idle-exit',
    env: 'SPOTLIGHT_IDLE_EXIT',
    kind: 'seconds',
    shownDefault: '0 (never)',
    help: 'exit after this many seconds with no envelope and no viewer',
  },
  {
    key: 'stateFile',
    arg: '<path>',
    flag: '--state-file',
    env: 'SPOTLIGHT_STATE_FILE',
    kind: 'string',
    shownDefault: 'none',
    help: 'write {url, port, pid, startedAt} JSON here once listening; removed on exit',
  },
  {
    key: 'forward',
    arg: '<dsn>',
    flag: '--forward',
    env: 'SPOTLIGHT_FORWARD',
    kind: 'list',
    shownDefault: 'none',
    help: 'also send every envelope to this Sentry DSN (repeatable; env: comma-separated)',
  },
  {
    key: 'forwardSampleRate',
    arg: '<rate>',
    flag: '--forward-sample-rate',
    env: 'SPOTLIGHT_FORWARD_SAMPLE_RATE',
    kind: 'rate',
    shownDefault: '1',
    help: 'share of traces the forwarded copy keeps, from 0 to 1, the same for every envelope of a trace',
  },
  {
    key: 'overlayDir',
    arg: '<path>',
    flag: '--overlay-dir',
    env: 'SPOTLIGHT_OVERLAY_DIR',
    kind: 'string',
    shownDefault: "sentry-spotlight's dist/",
    help: 'folder of the overlay page served at /',
  },
  {
    key: 'sourceRoots',
    arg: '<dir>',
    flag: '--source-root',
    env: 'SPOTLIGHT_SOURCE_ROOTS',
    kind: 'list',
    shownDefault: 'the folder it starts in',
    help: 'folder whose files stack frames may show source lines from (repeatable; env: comma-separated)',
  },
  {
    key: 'debug',
    flag: '--debug',
    env: 'SPOTLIGHT_DEBUG',
    kind: 'flag',
    shownDefault: 'off',
    help: 'log every request and decision to stderr',
  },
];

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: KiB,
  kb: KiB,
  kib: KiB,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: 1024 * MiB,
  gb: 1024 * MiB,
  gib: 1024 * MiB,
};

/** Parses `1048576`, `512k`, `20MiB`, `1.5GB` (units are binary: 1 KB = 1024 bytes). */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const value = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(value) ? value : undefined;
}

const SECOND_UNITS: Readonly<Record<string, number>> = { '': 1, ms: 0.001, s: 1, m: 60, min: 60, h: 3600 };

/** Parses seconds: `15`, `0.5`, `250ms`, `10m`, `1h`. */
export function parseSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SECOND_UNITS[(match[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

function parseValue(spec: OptionSpec, text: string, from: string): unknown {
  const fail = (expected: string): never => {
    throw new ConfigError(`${from}: expected ${expected}, got ${JSON.stringify(text)}`);
  };
  switch (spec.kind) {
    case 'port': {
      const port = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
      return port >= 0 && port <= 65535 ? port : fail('a port number from 0 to 65535');
    }
    case 'count': {
      const count = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
      return Number.isSafeInteger(count) && count > 0 ? count : fail('a whole number above 0');
    }
    case 'size': {
      const size = parseSize(text);
      return size !== undefined && size > 0 ? size : fail('a size above 0 such as 1048576, 512KiB or 20MiB');
    }
    case 'seconds': {
      const seconds = parseSeconds(text);
      const zeroOk = spec.key === 'idleExitSeconds';
      return seconds !== undefined && (seconds > 0 || (zeroOk && seconds === 0))
        ? seconds
        : fail('a number of seconds such as 30, 0.5 or 10m');
    }
    case 'rate': {
      const rate = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
      return rate >= 0 && rate <= 1 ? rate : fail('a sample rate from 0 to 1 such as 0.25');
    }
    case 'string':
      return text.length > 0 ? text : fail('a value');
    case 'list':
      return text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
    case 'flag': {
      const lower = text.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      return fail('true or false');
    }
  }
}

export type ResolvedCli = SidecarConfig & { readonly action: CliAction };

/** The OPTIONS table as node:util's parseArgs takes it (options named by their long flag). */
const PARSE_OPTIONS: ParseArgsConfig['options'] = {
  ...Object.fromEntries(
    OPTIONS.map((spec) => [
      spec.flag.slice(2),
      {
        type: spec.kind === 'flag' ? 'boolean' : 'string',
        multiple: spec.kind === 'list',
        ...(spec.short ? { short: spec.short.slice(1) } : {}),
      },
    ]),
  ),
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

/** parseArgs's refusals, in one line that names the flag and points to --help. */
function argvProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = /(--[\w-]+)/.exec(quoted)?.[1] ?? quoted;
  switch ((error as { code?: string }).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)} (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) return `${flag} takes no value (see --help)`;
      if (message.includes('ambiguous')) return `${flag} needs a value; write ${flag}=<value> for one that starts with "-" (see --help)`;
      return `${flag} needs a value (see --help)`;
    default:
      return `${message.split('\n')[0]} (see --help)`;
  }
}

/**
 * Resolves the configuration from CLI arguments (without `node` and the script) and environment
 * variables. Flags win over the environment, which wins over the defaults. Throws ConfigError with
 * a one-line message on a bad value or an unknown flag.
 */
export function resolveConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ResolvedCli {
  const values: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const spec of OPTIONS) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') values[spec.key] = parseValue(spec, raw, spec.env);
  }

  let flags: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError(argvProblem(error));
  }
  for (const spec of OPTIONS) {
    const given = flags[spec.flag.slice(2)];
    if (given === undefined) continue;
    if (typeof given === 'boolean') values[spec.key] = given;
    else if (Array.isArray(given)) values[spec.key] = given.flatMap((text) => parseValue(spec, String(text), spec.flag) as string[]);
    else values[spec.key] = parseValue(spec, given, spec.flag);
  }
  const action: CliAction = flags.help ? 'help' : flags.version ? 'version' : 'run';

  const config = values as unknown as SidecarConfig;
  if (config.maxDecompressedBytes < config.maxBodyBytes) {
    // An uncompressed body is also a decompressed one: the smaller limit would silently win.
    values.maxDecompressedBytes = config.maxBodyBytes;
  }
  for (const origin of config.allowedOrigins) {
    if (origin === '*') throw new ConfigError('--allowed-origin "*" is refused: list the origins that may read your events');
  }
  return { ...(values as unknown as SidecarConfig), action };
}

/** An option's flags and value as --help and the README show them, e.g. `-p, --port <port>`. */
export function optionUsage(o: OptionSpec): string {
  return `${o.short ? `${o.short}, ` : ''}${o.flag}${o.arg ? ` ${o.arg}` : ''}`;
}

/** The `--help` text. */
export function helpText(version: string): string {
  const rows = OPTIONS.map((o) => {
    const usage = o.short ? optionUsage(o) : `    ${optionUsage(o)}`;
    return `  ${usage.padEnd(38)} ${o.help}\n  ${''.padEnd(38)} default: ${o.shownDefault}; env: ${o.env}`;
  });
  return [
    `spotlight ${version}: the Spotlight sidecar. Receives Sentry envelopes from your SDKs on loopback,`,
    'keeps recent ones, and streams them to viewers (the overlay at http://localhost:8969/).',
    '',
    'Usage: spotlight [options]',
    '',
    'Options:',
    ...rows,
    `  ${'-h, --help'.padEnd(38)} show this help`,
    `  ${'-v, --version'.padEnd(38)} print the version`,
    '',
    "Connect an SDK: sentry-spotlight's Vite plugin or Spotlight.init(), an SDK's spotlight option (Python:",
    'sentry_sdk.init(spotlight=True)), or a DSN of http://spotlight@localhost:8969/0',
    '',
  ].join('\n');
}
