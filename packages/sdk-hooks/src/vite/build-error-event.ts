import { isAbsolute } from 'node:path';
import type { Event } from '@spotlight/envelope';
import { newEventId } from '../express/error-event.ts';
import { addSourceContext, parseV8Stack, type StackFrame } from '../express/stack-trace.ts';

/** What Vite knows of a build or transform error: a Rollup-style error, or the `err` of its `{type: 'error'}` HMR payload. */
export interface ViteErrorLike {
  name?: string;
  /** The compiler's code for the first error, e.g. oxc's `PARSE_ERROR`. */
  code?: string;
  message: string;
  stack?: string;
  /** The module being transformed (may carry a `?query`). */
  id?: string;
  plugin?: string;
  pluginCode?: string;
  /** Vite's code frame: the offending lines with a caret. */
  frame?: string;
  loc?: { file?: string; line: number; column: number };
}

// ANSI colour codes end up in messages from plugins that colour their own output.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export function asViteError(value: unknown): ViteErrorLike | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const error = value as Record<string, unknown>;
  if (typeof error.message !== 'string') return undefined;
  const result: ViteErrorLike = { message: error.message.replace(ANSI, '') };
  if (typeof error.name === 'string') result.name = error.name;
  if (typeof error.stack === 'string') result.stack = error.stack.replace(ANSI, '');
  if (typeof error.id === 'string') result.id = error.id;
  if (typeof error.plugin === 'string') result.plugin = error.plugin;
  if (error.pluginCode !== undefined && error.pluginCode !== null) result.pluginCode = String(error.pluginCode);
  if (typeof error.frame === 'string' && error.frame.length > 0) result.frame = error.frame.replace(ANSI, '');
  const location = locationOf(error.loc);
  if (location) result.loc = location;
  // Vite's oxc transform wraps the compiler's errors ("Transform failed with 1 error:"): the first one holds
  // the real message, its code frame and its location.
  const first = Array.isArray(error.errors) ? (error.errors[0] as Record<string, unknown> | undefined) : undefined;
  if (first && typeof first.message === 'string') {
    const [headline = '', ...frame] = first.message.replace(ANSI, '').split('\n');
    const code = typeof first.code === 'string' ? first.code : undefined;
    result.message = code ? headline.replace(`[${code}] `, '') : headline;
    if (code) result.code = code;
    if (frame.some((line) => line.trim().length > 0)) result.frame = frame.join('\n').trimEnd();
    result.loc ??= locationOf(first.loc);
  } else {
    // The same wrapper after Vite's `prepareError` (the HMR payload): only its text is left.
    const summary = TRANSFORM_SUMMARY.exec(result.message);
    if (summary) {
      if (summary[1]) result.code = summary[1];
      result.message = summary[2] ?? result.message;
    }
  }
  return result;
}

const TRANSFORM_SUMMARY = /^Transform failed with \d+ errors?:\n\n(?:\[([A-Z_]+)\] )?(.*)/;

function locationOf(value: unknown): ViteErrorLike['loc'] {
  if (value === null || typeof value !== 'object') return undefined;
  const loc = value as Record<string, unknown>;
  if (typeof loc.line !== 'number' || typeof loc.column !== 'number') return undefined;
  return { line: loc.line, column: loc.column, ...(typeof loc.file === 'string' ? { file: loc.file } : {}) };
}

/** `SyntaxError` for parse errors, the error's own name when it has one, else `BuildError`. */
export function errorType(error: ViteErrorLike): string {
  if (error.code === 'PARSE_ERROR') return 'SyntaxError';
  return error.name && error.name !== 'Error' ? error.name : 'BuildError';
}

/** The file and position the error points at: `loc.file`, else the module id without its query. */
export function errorLocation(error: ViteErrorLike): { file: string; line: number; column: number } | undefined {
  const file = error.loc?.file ?? error.id?.replace(/\?.*$/, '');
  if (!file || !error.loc) return undefined;
  return { file, line: error.loc.line, column: error.loc.column };
}

/** Same error reported twice (logged, then sent to the browser) within a moment counts once. */
export function errorKey(error: ViteErrorLike): string {
  return `${error.message.split('\n')[0]}|${error.id ?? ''}`;
}

export interface BuildErrorEventOptions {
  root: string;
  sdk: { name: string; version: string };
  eventId?: string;
  timestamp?: number;
}

/**
 * A Sentry error event for a build or transform error: the file, line and column it points at as the top
 * frame with the source around it (the in-app frame Spotlight shows first), the plugin's own stack below it
 * (library frames), and Vite's code frame in the `vite` context.
 */
export async function buildErrorEvent(error: ViteErrorLike, options: BuildErrorEventOptions): Promise<Event & { event_id: string }> {
  const location = errorLocation(error);
  const frames: StackFrame[] = error.stack ? parseV8Stack(error.stack).map((frame) => ({ ...frame, in_app: false })) : [];
  if (location) {
    frames.push({
      filename: location.file,
      abs_path: location.file,
      lineno: location.line,
      // Sentry's columns are 1-based, Rollup's `loc.column` 0-based.
      colno: location.column + 1,
      in_app: isAbsolute(location.file) && !location.file.includes('/node_modules/'),
      ...(error.plugin ? { function: `[${error.plugin}]` } : {}),
    });
  }
  await addSourceContext(frames.filter((frame) => frame.in_app));
  const firstLine = error.message.split('\n')[0] ?? error.message;
  const eventId = options.eventId ?? newEventId();
  return {
    event_id: eventId,
    timestamp: options.timestamp ?? Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    logger: 'vite',
    environment: 'development',
    ...(location ? { transaction: location.file } : {}),
    exception: {
      values: [
        {
          type: errorType(error),
          value: firstLine,
          ...(frames.length > 0 ? { stacktrace: { frames } } : {}),
          mechanism: { type: 'auto.vite.build', handled: false },
        },
      ],
    },
    tags: {
      ...(error.plugin ? { 'vite.plugin': error.plugin } : {}),
      ...(error.code ? { 'error.code': error.code } : {}),
      ...(location ? { file: location.file } : {}),
    },
    contexts: {
      vite: {
        ...(error.plugin ? { plugin: error.plugin } : {}),
        ...(error.pluginCode ? { plugin_code: error.pluginCode } : {}),
        ...(error.id ? { id: error.id } : {}),
        ...(location ? { file: location.file, line: location.line, column: location.column } : {}),
        ...(error.frame ? { frame: error.frame } : {}),
        ...(error.message !== firstLine ? { message: error.message } : {}),
        root: options.root,
      },
      runtime: { name: 'node', version: process.version },
    },
    sdk: options.sdk,
  } as Event & { event_id: string };
}
