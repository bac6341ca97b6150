import { stripAnsi } from './ansi.ts';
import { appRootOfFrames, declaredAppRoot, framePath, isInAppFrame, type PathFrame, type PathReader, plainPaths } from './paths.ts';

// Readers for error event payloads. Events come from any SDK of any version (or from anything that
// can POST to the sidecar): every field is checked before use, nothing is assumed present.

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Seconds (events, breadcrumbs) or ISO strings (sessions, some SDKs) to epoch milliseconds. */
export function timestampMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && value.length > 0) {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
    const seconds = Number(value);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  }
  return undefined;
}

export interface Frame extends PathFrame {
  readonly function?: string | undefined;
  readonly lineno?: number | undefined;
  readonly colno?: number | undefined;
  readonly pre_context?: readonly string[] | undefined;
  readonly context_line?: string | undefined;
  readonly post_context?: readonly string[] | undefined;
  readonly vars?: JsonObject | undefined;
  readonly platform?: string | undefined;
  readonly package?: string | undefined;
}

export interface ExceptionValue {
  readonly type?: string | undefined;
  readonly value?: string | undefined;
  readonly module?: string | undefined;
  readonly mechanism?: JsonObject | undefined;
  /** Oldest call first, the frame that threw last (Sentry's order). */
  readonly frames: readonly Frame[];
}

function strings(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  // Usually already all strings: keep the array instead of copying it (thousands of events, many frames each).
  if (value.every((line) => typeof line === 'string')) return value as string[];
  return value.map((line) => (typeof line === 'string' ? line : String(line)));
}

function readFrame(value: unknown): Frame | undefined {
  const frame = asObject(value);
  if (!frame) return undefined;
  return {
    filename: asString(frame.filename),
    abs_path: asString(frame.abs_path),
    module: asString(frame.module),
    function: asString(frame.function),
    in_app: typeof frame.in_app === 'boolean' ? frame.in_app : undefined,
    lineno: asNumber(frame.lineno),
    colno: asNumber(frame.colno),
    pre_context: strings(frame.pre_context),
    context_line: typeof frame.context_line === 'string' ? frame.context_line : undefined,
    post_context: strings(frame.post_context),
    vars: asObject(frame.vars),
    platform: asString(frame.platform),
    package: asString(frame.package),
  };
}

export function framesOf(stacktrace: unknown): readonly Frame[] {
  const frames: Frame[] = [];
  for (const value of asArray(asObject(stacktrace)?.frames)) {
    const frame = readFrame(value);
    if (frame) frames.push(frame);
  }
  return frames;
}

/**
 * The exception chain, root cause first and the outermost exception last (Sentry's order). Read afresh on
 * each call: the readers below take it as an argument, so that reading one event reads its chain once.
 */
export function exceptionsOf(event: JsonObject): readonly ExceptionValue[] {
  const exception = event.exception;
  // Old SDKs sent `exception` as the list itself.
  const values = Array.isArray(exception) ? exception : asArray(asObject(exception)?.values);
  const out: ExceptionValue[] = [];
  for (const value of values) {
    const ex = asObject(value);
    if (!ex) continue;
    out.push({
      type: asString(ex.type),
      value: typeof ex.value === 'string' ? ex.value : ex.value === undefined || ex.value === null ? undefined : JSON.stringify(ex.value),
      module: asString(ex.module),
      mechanism: asObject(ex.mechanism),
      frames: framesOf(ex.stacktrace),
    });
  }
  return out;
}

/** A message event's stack (`attachStacktrace`), from `stacktrace` or the crashed thread. */
export function messageFramesOf(event: JsonObject): readonly Frame[] {
  const direct = framesOf(event.stacktrace);
  if (direct.length > 0) return direct;
  for (const thread of asArray(asObject(event.threads)?.values)) {
    const frames = framesOf(asObject(thread)?.stacktrace);
    if (frames.length > 0) return frames;
  }
  return [];
}

/** The message of a message event: formatted text first, else the template. */
export function messageOf(event: JsonObject): string | undefined {
  const logentry = asObject(event.logentry);
  const message = event.message;
  return (
    asString(logentry?.formatted) ??
    (typeof message === 'string' ? asString(message) : (asString(asObject(message)?.formatted) ?? asString(asObject(message)?.message))) ??
    asString(logentry?.message)
  );
}

/** The message template (`Order %s failed`), which groups better than its formatted text. */
export function messageTemplateOf(event: JsonObject): string | undefined {
  const logentry = asObject(event.logentry) ?? asObject(event.message);
  const params = logentry?.params;
  if (Array.isArray(params) && params.length > 0) return asString(logentry?.message);
  return undefined;
}

const LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warning', 'info', 'debug', 'log']);

export function levelOf(event: JsonObject): string {
  const level = asString(event.level)?.toLowerCase();
  if (level === 'warn') return 'warning';
  return level !== undefined && LEVELS.has(level) ? level : 'error';
}

/** Every frame of an event (all exceptions and the message stack), for finding its app root. */
export function allFramesOf(event: JsonObject, exceptions = exceptionsOf(event)): readonly Frame[] {
  return [...exceptions.flatMap((ex) => ex.frames), ...messageFramesOf(event)];
}

/** The app root: the one the SDK declared (`contexts.app.app_root`), else guessed from the frames. */
export function appRootOfEvent(event: JsonObject, paths: PathReader = plainPaths, exceptions = exceptionsOf(event)): string | undefined {
  const frames = allFramesOf(event, exceptions);
  const inApp = frames.filter(isInAppFrame).flatMap((frame) => framePath(frame) ?? []);
  const declared = declaredAppRoot(asObject(asObject(event.contexts)?.app)?.app_root, inApp);
  return declared ?? appRootOfFrames(frames, paths);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export interface EventHeadline {
  /** The exception type, or the message's first line. */
  readonly title: string;
  /** The exception's message, when the title is its type. */
  readonly subtitle?: string;
}

export function headlineOf(event: JsonObject, exceptions = exceptionsOf(event)): EventHeadline {
  const main = exceptions[exceptions.length - 1];
  if (main) {
    const value = main.value !== undefined ? firstLine(stripAnsi(main.value)) : undefined;
    if (main.type !== undefined) return value ? { title: main.type, subtitle: value } : { title: main.type };
    if (value) return { title: value };
  }
  const message = messageOf(event);
  if (message !== undefined) return { title: firstLine(stripAnsi(message)) };
  return { title: asString(event.transaction) ?? '<unlabeled event>' };
}

/** The frame that threw: the last in-app frame of the outermost exception that has any, else its last frame. */
export function crashFrameOf(event: JsonObject, exceptions = exceptionsOf(event)): Frame | undefined {
  const stacks = exceptions.length > 0 ? [...exceptions].reverse().map((ex) => ex.frames) : [messageFramesOf(event)];
  for (const frames of stacks) {
    const inApp = frames.filter(isInAppFrame);
    const frame = inApp[inApp.length - 1];
    if (frame) return frame;
  }
  for (const frames of stacks) {
    const frame = frames[frames.length - 1];
    if (frame) return frame;
  }
  return undefined;
}

/** Where it happened: `~/src/routes/x.ts in loadUser`, else the transaction or the request's URL. */
export function culpritOf(
  event: JsonObject,
  appRoot?: string,
  paths: PathReader = plainPaths,
  exceptions = exceptionsOf(event),
): string | undefined {
  const frame = crashFrameOf(event, exceptions);
  if (frame) {
    const path = frame.abs_path ?? frame.filename;
    const file = path !== undefined ? paths.shortenPath(path, appRoot) : frame.module;
    const fn = frame.function !== undefined && frame.function !== '?' ? frame.function : undefined;
    if (file !== undefined && fn !== undefined) return `${file} in ${fn}`;
    if (file !== undefined || fn !== undefined) return file ?? fn;
  }
  const explicit = asString(event.culprit) ?? asString(event.transaction);
  if (explicit !== undefined) return explicit;
  const url = asString(asObject(event.request)?.url);
  return url;
}
