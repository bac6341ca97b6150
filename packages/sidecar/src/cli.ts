#!/usr/bin/env node
import { COMMANDS, COMMANDS_HELP } from './commands/index.ts';
import { ConfigError, helpText, resolveConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { PortInUseError, type Sidecar, startSidecar } from './server.ts';
import { VERSION } from './version.ts';

/** Shutdown must finish within a second of SIGINT/SIGTERM, even with viewers connected. */
const SHUTDOWN_DEADLINE_MS = 800;

/**
 * `spotlight`: runs the sidecar until SIGINT/SIGTERM (or --idle-exit). Exit codes: 0 ok (also when
 * a Spotlight sidecar already runs on the port), 1 the port is taken by another program or start
 * failed, 2 bad arguments.
 */
async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const command = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? COMMANDS[argv[0]] : undefined;
  if (command) {
    const code = await (await command()).main(argv.slice(1), env);
    // Everything written to stdout is handed over first: an exit would cut a pipe's pending output.
    process.stdout.write('', () => process.exit(code));
    return;
  }
  let cli: ReturnType<typeof resolveConfig>;
  try {
    cli = resolveConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`spotlight: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (cli.action === 'help') {
    process.stdout.write(helpText(VERSION) + COMMANDS_HELP);
    return;
  }
  if (cli.action === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }

  const log = createLogger({ debug: cli.debug });
  let sidecar: Sidecar | undefined;
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.debug(`stopping: ${why}`);
    const deadline = setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS);
    void (sidecar?.close() ?? Promise.resolve()).finally(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Once whoever reads our stderr is gone (EPIPE), logs go nowhere. Left unhandled, the write error
  // would be logged as an unexpected error, to stderr again: a loop that kept a CPU busy.
  process.stderr.on('error', () => {});
  // A bug in one request must not take down everyone's stream: log it and keep serving.
  process.on('uncaughtException', (error) => log.error(`unexpected error: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) =>
    log.error(`unexpected error: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
  );

  try {
    sidecar = await startSidecar({ ...cli, log, onIdle: () => stop('idle') });
  } catch (error) {
    if (error instanceof PortInUseError && error.existing.kind === 'spotlight') {
      log.info(
        `Spotlight is already running at http://localhost:${error.port}${error.existing.pid ? ` (pid ${error.existing.pid})` : ''}; nothing to do`,
      );
      process.exit(0);
    }
    log.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof PortInUseError ? 1 : 2);
  }
  // Envelopes are taken already; the line waits for every address (and the pages) to be served.
  await sidecar.ready;
  // Imported only now, with node:v8: neither is needed before the first envelope is answered.
  (await import('./v8Tuning.ts')).tuneV8();
  const where = sidecar.addresses.join(' and ');
  log.info(`Spotlight sidecar ${VERSION} listening on ${sidecar.url} (${where}); open it to see your events`);
  if (cli.debug) log.debug(`limits: ${JSON.stringify({ ...sidecar.config, forward: sidecar.config.forward.length })}`);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  process.stderr.write(`spotlight: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
