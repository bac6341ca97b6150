import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { logsOfEnvelope } from 'sentry-spotlight/data/logs.ts';
import { idTimestamp } from '../ids.ts';
import {
  COMPOSE_FILES,
  composeCommandLength,
  composeCommandLine,
  composeOverride,
  DOCKER_HOST,
  defaultComposeFiles,
  servicesCommandLine,
} from '../run/compose.ts';
import { spotlightVariables } from '../run/env.ts';
import { LineSplitter, OUTPUT_SDK_NAME, OutputRecorder, type Stream } from '../run/outputLogs.ts';
import { findDevScript } from '../run/script.ts';
import { CommandError, command, type Env, findOrStartSidecar, parseCommandArgs, parsePort, SIDECAR_OPTIONS, UsageError } from './common.ts';

const HELP = `Usage: spotlight run [options] [--] <command...>

Runs your app with Spotlight wired in: it uses the sidecar that runs (or starts one on a free port for as
long as the command runs), and gives the command
  SENTRY_SPOTLIGHT=<sidecar>/stream, the same under VITE_, NEXT_PUBLIC_, PUBLIC_, NUXT_PUBLIC_,
  REACT_APP_, VUE_APP_ and GATSBY_ (for browser code), and SENTRY_TRACES_SAMPLE_RATE=1 unless set.
Its output passes through unchanged and is also recorded as logs (standard error as errors), until the
app is seen sending the same lines as Sentry logs. Signals are passed on; the exit code is the command's.

With no command: the dev, develop, serve or start script of ./package.json, else \`docker compose up\`
when the folder has a compose file. \`docker compose ...\` commands get an override file (on the command
line; your files are not changed) that gives every service the variables, pointing at host.docker.internal.

Options:
  -p, --port <port>   the sidecar on this port (started there when none answers)
      --url <url>     the sidecar at this URL
  -h, --help          show this help
`;

/** Our flags that take a value: the command starts at the first argument that is none of ours. */
const VALUE_FLAGS = new Set(['-p', '--port', '--url']);

/** Splits `[our options] [--] <command...>`: the command's own flags are not ours to parse. */
export function splitRunArgs(argv: readonly string[]): { ours: string[]; command: string[] } {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (arg === '--') return { ours: argv.slice(0, i), command: argv.slice(i + 1) };
    if (!arg.startsWith('-')) break;
    i += VALUE_FLAGS.has(arg) ? 2 : 1;
  }
  return { ours: argv.slice(0, Math.min(i, argv.length)), command: argv.slice(Math.min(i, argv.length)) };
}

/** The exit code a shell reports for a process killed by a signal: 128 + its number. */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How recorded output names its service: the command with file names for paths, e.g. `node server.mjs`, `npm run dev`. */
export function serviceName(argv: readonly string[]): string {
  return argv
    .map((arg) => (arg.includes('/') || arg.includes('\\') ? basename(arg) : arg))
    .join(' ')
    .slice(0, 60);
}

interface Plan {
  readonly argv: readonly string[];
  /** What to say about where the command came from. */
  readonly note?: string;
  readonly compose: boolean;
}

function plan(commandArgs: readonly string[], cwd: string, env: Env): Plan {
  if (commandArgs.length > 0) return { argv: commandArgs, compose: composeCommandLength(commandArgs) > 0 };
  const script = findDevScript(cwd);
  const composeFile = COMPOSE_FILES.find((name) => defaultComposeFiles(cwd, env).includes(name));
  if (script) {
    const also = composeFile ? `; for ${composeFile}, run \`spotlight run docker compose up\`` : '';
    return {
      argv: script.command,
      note: `running the "${script.name}" script of package.json: ${script.command.join(' ')}${also}`,
      compose: false,
    };
  }
  if (defaultComposeFiles(cwd, env).length > 0) {
    return {
      argv: ['docker', 'compose', 'up'],
      note: `running docker compose up (${defaultComposeFiles(cwd, env).join(', ')})`,
      compose: true,
    };
  }
  throw new UsageError('name a command to run (or add a dev, develop, serve or start script to package.json)');
}

export const main = command('run', async (argv, env) => {
  const split = splitRunArgs(argv);
  const { values } = parseCommandArgs('run', split.ours, SIDECAR_OPTIONS, false);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const cwd = process.cwd();
  const chosen = plan(split.command, cwd, env);
  const target = await findOrStartSidecar({
    url: values.url,
    port: parsePort(values.port),
    startPort: 0,
    mayStart: true,
    allowedHosts: chosen.compose ? [DOCKER_HOST] : [],
    env,
  });
  const say = (line: string) => process.stderr.write(`spotlight run: ${line}\n`);
  const streamUrl = `${target.url}/stream`;
  const childEnv: Record<string, string | undefined> = { ...env, ...spotlightVariables(streamUrl, env) };
  // The app's output now goes to a pipe; tools that colour only terminals are told to keep their colours.
  if (process.stdout.isTTY && childEnv.FORCE_COLOR === undefined && childEnv.NO_COLOR === undefined) childEnv.FORCE_COLOR = '1';

  let childArgv = [...chosen.argv];
  let overrideDir: string | undefined;
  if (chosen.compose) {
    const port = new URL(target.url).port;
    const containerVariables = spotlightVariables(`http://${DOCKER_HOST}:${port}/stream`, env);
    const files = defaultComposeFiles(cwd, env);
    let services: string[];
    try {
      services = execFileSync(childArgv[0] as string, servicesCommandLine(childArgv, files).slice(1), {
        env: childEnv,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    } catch (error) {
      await target.close();
      throw new CommandError(
        `could not list the compose services: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`,
      );
    }
    overrideDir = mkdtempSync(join(tmpdir(), 'spotlight-compose-'));
    const overridePath = join(overrideDir, 'spotlight.compose.yaml');
    writeFileSync(overridePath, composeOverride(services, containerVariables));
    childArgv = composeCommandLine(childArgv, files, overridePath);
    if (!target.owned) {
      const answer = await fetch(`${target.url}/health`, { headers: { Host: `${DOCKER_HOST}:${port}` } }).catch(() => undefined);
      if (answer?.status === 403)
        say(`the running sidecar refuses ${DOCKER_HOST}: restart it with --allowed-host ${DOCKER_HOST} so containers can reach it`);
    }
    say(
      `${services.length} compose service${services.length === 1 ? '' : 's'} (${services.join(', ')}) get SENTRY_SPOTLIGHT=http://${DOCKER_HOST}:${port}/stream`,
    );
  }
  if (chosen.note) say(chosen.note);
  say(`Spotlight is at ${target.url}${target.owned ? ' (started for this run)' : ''}: open it to see errors, traces and logs`);

  const recorder = new OutputRecorder({
    service: serviceName(chosen.argv),
    send: async (envelope) => {
      const response = await fetch(streamUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-sentry-envelope' },
        body: new Uint8Array(envelope),
      });
      if (!response.ok) throw new Error(`the sidecar answered ${response.status}`);
    },
  });

  // Logs the app sends itself: once they repeat its output, recording the output stops.
  const startedAt = Date.now();
  const { connectSse } = await import('sentry-spotlight/data/sseClient.ts');
  const watcher = connectSse({
    url: streamUrl,
    idleTimeoutMs: 0,
    readSliceMs: 0,
    onEnvelope: (envelope, id) => {
      if (!recorder.recording || (id !== undefined && (idTimestamp(id) ?? startedAt) < startedAt)) return;
      if ((envelope[0].sdk as { name?: unknown } | undefined)?.name === OUTPUT_SDK_NAME) return;
      for (const row of logsOfEnvelope({ id: id ?? '', receivedAt: Date.now(), envelope })) {
        if (recorder.noticeAppLog(row.message)) {
          say('the app sends its own logs to Spotlight; no longer recording its output');
          return;
        }
      }
    },
  });

  let child: ChildProcess;
  try {
    child = spawn(childArgv[0] as string, childArgv.slice(1), {
      cwd,
      env: childEnv,
      stdio: ['inherit', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
  } catch (error) {
    watcher.close();
    await target.close();
    throw new CommandError(`cannot run ${childArgv[0]}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pipe = (from: NodeJS.ReadableStream | null, to: NodeJS.WriteStream, stream: Stream) => {
    if (!from) return undefined;
    const splitter = new LineSplitter((line) => recorder.line(stream, line));
    from.on('data', (chunk: Buffer) => {
      to.write(chunk);
      splitter.push(chunk);
    });
    return new Promise<void>((resolve) => from.once('close', () => resolve(splitter.end())));
  };
  const outputs = [pipe(child.stdout, process.stdout, 'stdout'), pipe(child.stderr, process.stderr, 'stderr')];
  process.stdout.on('error', () => {});

  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);

  const code = await new Promise<number>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      say(error.code === 'ENOENT' ? `${childArgv[0]}: command not found` : `cannot run ${childArgv[0]}: ${error.message}`);
      resolve(error.code === 'ENOENT' ? 127 : 126);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0)));
  });
  for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  await Promise.all(outputs);
  await recorder.close();
  watcher.close();
  if (overrideDir) rmSync(overrideDir, { recursive: true, force: true });
  await target.close();
  return code;
});
