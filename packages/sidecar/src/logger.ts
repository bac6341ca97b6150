/** Log lines go to stderr: stdout stays free for whatever embeds the sidecar. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Only with --debug. */
  debug(message: string): void;
  readonly debugEnabled: boolean;
}

export function createLogger(options: { debug?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const debugEnabled = options.debug ?? false;
  const line = (level: string, message: string) => write(`[spotlight] ${level}${message}\n`);
  return {
    info: (message) => line('', message),
    warn: (message) => line('warning: ', message),
    error: (message) => line('error: ', message),
    debug: debugEnabled ? (message) => line('debug: ', message) : () => {},
    debugEnabled,
  };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {}, debugEnabled: false };
