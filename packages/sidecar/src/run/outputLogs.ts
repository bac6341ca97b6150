import { LOG_V2_CONTENT_TYPE } from '@spotlight/envelope';
import { stripAnsi } from 'sentry-spotlight/data/ansi.ts';
import { VERSION } from '../version.ts';

/** The SDK name on the envelopes of recorded output: how viewers (and `run` itself) tell them from the app's own logs. */
export const OUTPUT_SDK_NAME = 'sentry.spotlight.run';

export type Stream = 'stdout' | 'stderr';

export interface OutputLine {
  readonly stream: Stream;
  readonly text: string;
  /** Epoch ms. */
  readonly time: number;
}

/** Splits a stream's chunks into lines (a chunk may end mid-line, or mid-character). */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    const text = this.pending + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }

  /** The last line, when the stream ended without a newline. */
  end(): void {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest.length > 0) this.onLine(rest.replace(/\r$/, ''));
  }
}

/** A line as it is compared with the app's own log bodies: without colours and surrounding space. */
export function comparable(text: string): string {
  return stripAnsi(text).trim();
}

/**
 * The envelope recording some lines of output: one log-v2 container, a log item per line, stdout lines
 * at level info and stderr lines at level error, `service.name` the command.
 */
export function outputEnvelope(lines: readonly OutputLine[], service: string, now: number): Uint8Array {
  const items = lines.map((line) => ({
    timestamp: line.time / 1000,
    level: line.stream === 'stderr' ? 'error' : 'info',
    severity_number: line.stream === 'stderr' ? 17 : 9,
    body: stripAnsi(line.text),
    attributes: {
      'service.name': { type: 'string', value: service },
      'log.iostream': { type: 'string', value: line.stream },
      'sentry.origin': { type: 'string', value: 'auto.spotlight.run' },
    },
  }));
  const payload = JSON.stringify({ items });
  const header = JSON.stringify({ sent_at: new Date(now).toISOString(), sdk: { name: OUTPUT_SDK_NAME, version: VERSION } });
  const itemHeader = JSON.stringify({ type: 'log', item_count: items.length, content_type: LOG_V2_CONTENT_TYPE });
  return new TextEncoder().encode(`${header}\n${itemHeader}\n${payload}\n`);
}

export interface OutputRecorderOptions {
  /** Sends one envelope; rejections are reported once and the recording goes on. */
  readonly send: (envelope: Uint8Array) => Promise<void>;
  readonly service: string;
  /** How long lines wait to be sent together. */
  readonly flushMs?: number;
  /** Most lines in one envelope. */
  readonly maxBatch?: number;
  readonly now?: () => number;
}

/** Lines remembered to recognize the app's own logs of the same text. */
const REMEMBERED_LINES = 2000;

/**
 * Records the app's output as log items, in batches. Once the app is seen sending the same text as
 * Sentry logs (`noticeAppLog`), it stops: the app's logs say it better (levels, attributes, traces).
 */
export class OutputRecorder {
  private batch: OutputLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly recent = new Set<string>();
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;
  private failed = false;

  constructor(private readonly options: OutputRecorderOptions) {}

  /** Whether lines are still being recorded. */
  get recording(): boolean {
    return !this.stopped;
  }

  line(stream: Stream, text: string): void {
    if (this.stopped) return;
    const key = comparable(text);
    if (key === '') return;
    if (this.recent.size >= REMEMBERED_LINES) this.recent.delete(this.recent.values().next().value as string);
    this.recent.add(key);
    this.batch.push({ stream, text, time: (this.options.now ?? Date.now)() });
    if (this.batch.length >= (this.options.maxBatch ?? 100)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs ?? 50);
  }

  /**
   * A log body the app sent itself. True when it is a line this recorder saw (and recording stops now),
   * so the caller can say why.
   */
  noticeAppLog(body: string): boolean {
    if (this.stopped || !this.recent.has(comparable(body))) return false;
    this.stopped = true;
    this.batch = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    return true;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const envelope = outputEnvelope(this.batch, this.options.service, (this.options.now ?? Date.now)());
    this.batch = [];
    this.inFlight = this.inFlight.then(() =>
      this.options.send(envelope).catch((error: unknown) => {
        if (!this.failed)
          process.stderr.write(`spotlight run: could not record output: ${error instanceof Error ? error.message : String(error)}\n`);
        this.failed = true;
      }),
    );
  }

  /** Sends what is pending and waits for every send. */
  async close(): Promise<void> {
    this.flush();
    await this.inFlight;
  }
}
