import {
  asArray,
  asNumber,
  asObject,
  asString,
  exceptionsOf,
  type Frame,
  type JsonObject,
  messageFramesOf,
  messageOf,
  timestampMs,
} from 'sentry-spotlight/data/errorEvent.ts';
import type { ErrorEventRecord, Issue } from 'sentry-spotlight/data/grouping.ts';
import { framePath, isInAppFrame } from 'sentry-spotlight/data/paths.ts';
import type { Trace } from 'sentry-spotlight/data/traces.ts';
import { code, displayPath, eventHeadline, eventLocation, inline, isoTime } from './text.ts';
import { type TraceSummary, traceSummary, traceSummaryLine } from './traces.ts';

/** An issue as list_issues and search_errors return it (structured content). */
export interface IssueSummary {
  readonly issueId: string;
  readonly title: string;
  readonly culprit?: string;
  readonly level: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly services: readonly string[];
  readonly location?: string;
  readonly latestEventId: string;
}

export function issueSummary(issue: Issue): IssueSummary {
  const summary: { -readonly [K in keyof IssueSummary]: IssueSummary[K] } = {
    issueId: issue.id,
    title: eventHeadline(issue),
    level: issue.level,
    count: issue.count,
    firstSeen: isoTime(issue.firstSeen),
    lastSeen: isoTime(issue.lastSeen),
    services: issue.services.map((s) => s.label),
    latestEventId: issue.latest.eventId,
  };
  if (issue.culprit !== undefined) summary.culprit = issue.culprit.replace(/^~\//, '');
  const location = eventLocation(issue.latest);
  if (location !== undefined) summary.location = location;
  return summary;
}

export interface StackFrameSummary {
  readonly function?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly inApp: boolean;
  /** Source lines around the frame's line, when the SDK sent them: `[line number, text]`. */
  readonly context?: readonly (readonly [number, string])[];
}

export interface ExceptionSummary {
  readonly type?: string;
  readonly value?: string;
  /** Oldest call first, the frame that threw last. */
  readonly frames: readonly StackFrameSummary[];
}

export interface BreadcrumbSummary {
  readonly timestamp?: string;
  readonly category?: string;
  readonly level?: string;
  readonly message: string;
}

/** One error event in full (get_issue, get_event, wait_for_error). */
export interface EventDetail {
  readonly eventId: string;
  readonly issueId: string;
  readonly title: string;
  readonly level: string;
  readonly timestamp: string;
  readonly service: string;
  readonly culprit?: string;
  readonly location?: string;
  readonly message?: string;
  readonly exceptions: readonly ExceptionSummary[];
  readonly breadcrumbs: readonly BreadcrumbSummary[];
  readonly request?: { readonly method?: string; readonly url?: string; readonly query?: string };
  readonly tags: Readonly<Record<string, string>>;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly trace?: TraceSummary;
}

/** Breadcrumbs shown per event: the last ones lead to the error. */
const MAX_BREADCRUMBS = 15;
/** Frames with source lines shown per exception: the app's, from the one that threw. */
const MAX_CONTEXT_FRAMES = 3;
/** Source lines shown before and after a frame's line. */
const CONTEXT_LINES = 3;

function frameSummary(frame: Frame, appRoot: string | undefined, withContext: boolean): StackFrameSummary {
  const path = framePath(frame);
  const out: { -readonly [K in keyof StackFrameSummary]: StackFrameSummary[K] } = { inApp: isInAppFrame(frame) };
  if (frame.function !== undefined) out.function = frame.function;
  const file = path !== undefined ? displayPath(path, appRoot) : frame.module;
  if (file !== undefined) out.file = file;
  if (frame.lineno !== undefined) out.line = frame.lineno;
  if (frame.colno !== undefined) out.column = frame.colno;
  if (withContext && frame.lineno !== undefined && frame.context_line !== undefined) {
    const pre = (frame.pre_context ?? []).slice(-CONTEXT_LINES);
    const post = (frame.post_context ?? []).slice(0, CONTEXT_LINES);
    const lines: [number, string][] = [];
    pre.forEach((text, i) => {
      lines.push([(frame.lineno as number) - pre.length + i, text]);
    });
    lines.push([frame.lineno, frame.context_line]);
    post.forEach((text, i) => {
      lines.push([(frame.lineno as number) + 1 + i, text]);
    });
    out.context = lines;
  }
  return out;
}

function stackSummary(frames: readonly Frame[], appRoot: string | undefined): StackFrameSummary[] {
  // Source lines for the app frames nearest to the throw: that is where the fix usually is.
  const withContext = new Set<number>();
  for (let i = frames.length - 1; i >= 0 && withContext.size < MAX_CONTEXT_FRAMES; i--) {
    if (isInAppFrame(frames[i] as Frame)) withContext.add(i);
  }
  return frames.map((frame, i) => frameSummary(frame, appRoot, withContext.has(i)));
}

function breadcrumbsOf(event: JsonObject): BreadcrumbSummary[] {
  const raw = event.breadcrumbs;
  const list = Array.isArray(raw) ? raw : asArray(asObject(raw)?.values);
  const out: BreadcrumbSummary[] = [];
  for (const value of list.slice(-MAX_BREADCRUMBS)) {
    const crumb = asObject(value);
    if (!crumb) continue;
    const data = asObject(crumb.data);
    let message = asString(crumb.message);
    if (message === undefined && data !== undefined) {
      const method = asString(data.method);
      const url = asString(data.url);
      const status = asNumber(data.status_code);
      message = [method, url, status !== undefined ? `(${status})` : undefined].filter(Boolean).join(' ') || JSON.stringify(data);
    }
    const summary: { -readonly [K in keyof BreadcrumbSummary]: BreadcrumbSummary[K] } = { message: inline(message ?? '', 200) };
    const at = timestampMs(crumb.timestamp);
    if (at !== undefined) summary.timestamp = isoTime(at);
    const category = asString(crumb.category) ?? asString(crumb.type);
    if (category !== undefined) summary.category = category;
    const level = asString(crumb.level);
    if (level !== undefined) summary.level = level;
    out.push(summary);
  }
  return out;
}

function tagsOf(event: JsonObject): Record<string, string> {
  const tags: Record<string, string> = {};
  const raw = event.tags;
  if (Array.isArray(raw)) {
    for (const pair of raw) if (Array.isArray(pair) && pair.length === 2) tags[String(pair[0])] = String(pair[1]);
  } else {
    for (const [key, value] of Object.entries(asObject(raw) ?? {})) tags[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return tags;
}

export function eventDetail(record: ErrorEventRecord, trace: Trace | undefined): EventDetail {
  const { event, appRoot } = record;
  const traceContext = asObject(asObject(event.contexts)?.trace);
  const exceptions: ExceptionSummary[] = exceptionsOf(event).map((ex) => {
    const out: { -readonly [K in keyof ExceptionSummary]: ExceptionSummary[K] } = { frames: stackSummary(ex.frames, appRoot) };
    if (ex.type !== undefined) out.type = ex.type;
    if (ex.value !== undefined) out.value = ex.value;
    return out;
  });
  if (exceptions.length === 0) {
    const frames = messageFramesOf(event);
    if (frames.length > 0) exceptions.push({ frames: stackSummary(frames, appRoot) });
  }
  const detail: { -readonly [K in keyof EventDetail]: EventDetail[K] } = {
    eventId: record.eventId,
    issueId: record.issueId,
    title: eventHeadline(record),
    level: record.level,
    timestamp: isoTime(record.timestamp),
    service: record.service.label,
    exceptions,
    breadcrumbs: breadcrumbsOf(event),
    tags: tagsOf(event),
  };
  if (record.culprit !== undefined) detail.culprit = record.culprit.replace(/^~\//, '');
  const location = eventLocation(record);
  if (location !== undefined) detail.location = location;
  const message = messageOf(event);
  if (message !== undefined && exceptionsOf(event).length > 0) detail.message = message;
  const request = asObject(event.request);
  if (request !== undefined) {
    const method = asString(request.method);
    const url = asString(request.url);
    const query = typeof request.query_string === 'string' ? request.query_string : undefined;
    if (method !== undefined || url !== undefined) {
      detail.request = { ...(method ? { method } : {}), ...(url ? { url } : {}), ...(query ? { query } : {}) };
    }
  }
  const traceId = asString(traceContext?.trace_id) ?? asString(asObject(record.envelopeHeader.trace)?.trace_id);
  if (traceId !== undefined) detail.traceId = traceId;
  const spanId = asString(traceContext?.span_id);
  if (spanId !== undefined) detail.spanId = spanId;
  if (trace !== undefined) detail.trace = traceSummary(trace);
  return detail;
}

/** One line per issue: `- **Error: boom** ×3 · src/x.ts:12 · node · api · last 2026-... · issue \`abc\`` */
export function issueLine(summary: IssueSummary): string {
  const parts = [`**${inline(summary.title, 200)}**`];
  if (summary.count > 1) parts[0] += ` ×${summary.count}`;
  if (summary.location !== undefined) parts.push(code(summary.location));
  else if (summary.culprit !== undefined) parts.push(code(summary.culprit));
  parts.push(summary.services.join(', ') || 'unknown service', `last seen ${summary.lastSeen}`, `issue ${code(summary.issueId)}`);
  return `- ${parts.join(' · ')}`;
}

function frameLine(frame: StackFrameSummary): string {
  const where =
    frame.file !== undefined
      ? `${frame.file}${frame.line !== undefined ? `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ''}` : ''}`
      : '?';
  return `${frame.function ?? '?'} (${where})${frame.inApp ? '' : ' [library]'}`;
}

/** Frames with their source lines, most recent call first (as an agent reads them). */
function stackMarkdown(exception: ExceptionSummary): string[] {
  const lines: string[] = [];
  const frames = [...exception.frames].reverse();
  let hiddenLibrary = 0;
  const flushHidden = () => {
    if (hiddenLibrary > 0) lines.push(`  … ${hiddenLibrary} library frame${hiddenLibrary === 1 ? '' : 's'}`);
    hiddenLibrary = 0;
  };
  for (const frame of frames) {
    if (!frame.inApp && frame.context === undefined) {
      hiddenLibrary++;
      continue;
    }
    flushHidden();
    lines.push(`- at ${frameLine(frame)}`);
    if (frame.context !== undefined && frame.context.length > 0) {
      const width = String(frame.context[frame.context.length - 1]?.[0] ?? '').length;
      lines.push('  ```');
      for (const [number, text] of frame.context) {
        lines.push(`  ${number === frame.line ? '>' : ' '} ${String(number).padStart(width)} | ${text.replace(/\r?\n/g, ' ')}`);
      }
      lines.push('  ```');
    }
  }
  flushHidden();
  return lines;
}

/** An event in full, as Markdown. `issue`: what the whole issue counts, when known. */
export function eventMarkdown(detail: EventDetail, issue?: IssueSummary): string {
  const out: string[] = [`## ${inline(detail.title, 300)}`, ''];
  const facts = [`level ${detail.level}`, detail.service, detail.timestamp];
  if (issue !== undefined)
    facts.push(`issue ${code(issue.issueId)} seen ${issue.count}× (first ${issue.firstSeen}, last ${issue.lastSeen})`);
  else facts.push(`issue ${code(detail.issueId)}`);
  out.push(`${facts.join(' · ')}`, `Event ${code(detail.eventId)}${detail.location ? ` at ${code(detail.location)}` : ''}`);
  if (detail.culprit !== undefined) out.push(`Culprit: ${code(detail.culprit)}`);
  if (detail.message !== undefined) out.push(`Message: ${inline(detail.message, 500)}`);
  for (const exception of [...detail.exceptions].reverse()) {
    const name = [exception.type, exception.value !== undefined ? inline(exception.value, 300) : undefined].filter(Boolean).join(': ');
    out.push('', `### Stack trace${name ? ` of ${name}` : ''} (most recent call first)`, '');
    out.push(...(exception.frames.length > 0 ? stackMarkdown(exception) : ['(no stack trace)']));
  }
  if (detail.request !== undefined) {
    out.push(
      '',
      '### Request',
      '',
      `${detail.request.method ?? ''} ${detail.request.url ?? ''}${detail.request.query ? `?${detail.request.query}` : ''}`.trim(),
    );
  }
  const tags = Object.entries(detail.tags);
  if (tags.length > 0) out.push('', '### Tags', '', tags.map(([k, v]) => `${k}=${inline(v, 100)}`).join(', '));
  if (detail.breadcrumbs.length > 0) {
    out.push('', `### Breadcrumbs (last ${detail.breadcrumbs.length}, oldest first)`, '');
    for (const crumb of detail.breadcrumbs) {
      const when = crumb.timestamp !== undefined ? crumb.timestamp.slice(11, 23) : '';
      out.push(
        `- ${[when, crumb.category ? `[${crumb.category}]` : '', crumb.level && crumb.level !== 'info' ? crumb.level : '', crumb.message].filter(Boolean).join(' ')}`,
      );
    }
  }
  if (detail.trace !== undefined) out.push('', '### Trace', '', traceSummaryLine(detail.trace));
  else if (detail.traceId !== undefined) out.push('', '### Trace', '', `${code(detail.traceId)} (no spans of it arrived)`);
  return out.join('\n');
}
