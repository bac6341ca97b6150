import { useState } from 'react';
import {
  asArray,
  asObject,
  asString,
  exceptionsOf,
  type JsonObject,
  messageFramesOf,
  messageOf,
  timestampMs,
} from '../../data/errorEvent.ts';
import type { ErrorEventRecord } from '../../data/grouping.ts';
import { AnsiText, Chip, Icon, JsonValue, KeyValueTable, Section } from '../../ui/components.tsx';
import { formatClock, formatDateTime, formatOffset } from '../../ui/format.ts';
import { useNavigate } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { findView } from '../../ui/views.ts';
import { useInsights } from '../insights/useInsights.ts';
import { Attachments } from './Attachments.tsx';
import { Exceptions, StackFrames } from './StackTrace.tsx';

/** Objects as rows; Sentry also sends some maps (headers, tags, query) as `[key, value]` pairs. */
export function entriesOf(value: unknown): [string, unknown][] {
  if (Array.isArray(value)) {
    const out: [string, unknown][] = [];
    for (const pair of value) if (Array.isArray(pair) && pair.length >= 1) out.push([String(pair[0]), pair[1]]);
    return out;
  }
  const object = asObject(value);
  return object ? Object.entries(object) : [];
}

function queryEntries(value: unknown): [string, unknown][] {
  if (typeof value === 'string') {
    const params = new URLSearchParams(value.startsWith('?') ? value.slice(1) : value);
    return [...params.entries()];
  }
  return entriesOf(value);
}

/** A request body: JSON text pretty-printed, other text as is, objects as JSON. */
function bodyValue(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  const trimmed = data.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return data;
    }
  }
  return data;
}

function RequestSection({ request }: { request: JsonObject }) {
  const method = asString(request.method);
  const url = asString(request.url);
  const query = queryEntries(request.query_string);
  const headers = entriesOf(request.headers);
  const cookies = typeof request.cookies === 'string' ? queryEntries(request.cookies.replace(/;\s*/g, '&')) : entriesOf(request.cookies);
  const env = entriesOf(request.env);
  const hasBody = request.data !== undefined && request.data !== null && request.data !== '';
  return (
    <Section title="Request" testId="request">
      <div className="flex min-w-0 items-baseline gap-2 font-mono text-[12.5px]">
        {method !== undefined && (
          <span data-testid="request-method" className="shrink-0 rounded bg-sky-500/15 px-1.5 py-px font-semibold text-sky-300">
            {method}
          </span>
        )}
        {url !== undefined && (
          <span data-testid="request-url" className="min-w-0 break-all text-fg">
            {url}
          </span>
        )}
      </div>
      <div className="mt-3 flex flex-col gap-3">
        {query.length > 0 && (
          <div>
            <h4 className="mb-1 text-[11px] font-medium text-fg-faint uppercase">Query</h4>
            <KeyValueTable rows={query} testId="request-query" />
          </div>
        )}
        {hasBody && (
          <div>
            <h4 className="mb-1 text-[11px] font-medium text-fg-faint uppercase">Body</h4>
            <div data-testid="request-body" className="rounded border border-line bg-surface-0/60 px-3 py-2">
              <JsonValue value={bodyValue(request.data)} />
            </div>
          </div>
        )}
        {headers.length > 0 && (
          <div>
            <h4 className="mb-1 text-[11px] font-medium text-fg-faint uppercase">Headers</h4>
            <KeyValueTable rows={headers} testId="request-headers" />
          </div>
        )}
        {cookies.length > 0 && (
          <div>
            <h4 className="mb-1 text-[11px] font-medium text-fg-faint uppercase">Cookies</h4>
            <KeyValueTable rows={cookies} testId="request-cookies" />
          </div>
        )}
        {env.length > 0 && (
          <div>
            <h4 className="mb-1 text-[11px] font-medium text-fg-faint uppercase">Environment</h4>
            <KeyValueTable rows={env} />
          </div>
        )}
      </div>
    </Section>
  );
}

const BREADCRUMB_LIMIT = 40;

const CRUMB_LEVEL: Readonly<Record<string, string>> = {
  fatal: 'bg-red-500',
  error: 'bg-red-400',
  warning: 'bg-amber-400',
  info: 'bg-sky-400',
  debug: 'bg-slate-500',
  log: 'bg-slate-400',
};

function breadcrumbSummary(crumb: JsonObject): { message?: string; data?: unknown } {
  const message = asString(crumb.message);
  const data = asObject(crumb.data);
  if (crumb.type === 'http' && data) {
    const status = data.status_code !== undefined ? ` → ${String(data.status_code)}` : '';
    const line = `${asString(data.method) ?? 'GET'} ${asString(data.url) ?? ''}${status}`.trim();
    return { message: message ?? line };
  }
  if (crumb.category === 'navigation' && data) {
    return { message: message ?? `${asString(data.from) ?? '?'} → ${asString(data.to) ?? '?'}` };
  }
  const out: { message?: string; data?: unknown } = {};
  if (message !== undefined) out.message = message;
  if (data && Object.keys(data).length > 0) out.data = data;
  return out;
}

function Breadcrumbs({ crumbs, eventTime }: { crumbs: readonly JsonObject[]; eventTime: number }) {
  const [all, setAll] = useState(false);
  // Newest first: what happened right before the error matters most.
  const ordered = [...crumbs].reverse();
  const shown = all ? ordered : ordered.slice(0, BREADCRUMB_LIMIT);
  return (
    <Section title="Breadcrumbs" testId="breadcrumbs" aside={<span>{crumbs.length}</span>}>
      <ol className="overflow-hidden rounded-md border border-line">
        {shown.map((crumb, i) => {
          const time = timestampMs(crumb.timestamp);
          const level = asString(crumb.level) ?? 'info';
          const { message, data } = breadcrumbSummary(crumb);
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: breadcrumbs are positional.
              key={i}
              data-testid="breadcrumb"
              className="grid grid-cols-[5.5rem_8rem_minmax(0,1fr)] items-baseline gap-3 border-t border-line/70 px-3 py-1.5 text-[12px] first:border-t-0"
            >
              <span className="font-mono text-fg-faint tabular-nums" title={time !== undefined ? formatDateTime(time) : undefined}>
                {time !== undefined ? formatOffset(time - eventTime) : ''}
              </span>
              <span className="flex min-w-0 items-center gap-1.5">
                <span aria-hidden="true" className={`size-1.5 shrink-0 rounded-full ${CRUMB_LEVEL[level] ?? CRUMB_LEVEL.info}`} />
                <span className="truncate font-mono text-fg-muted" title={asString(crumb.type)}>
                  {asString(crumb.category) ?? asString(crumb.type) ?? 'default'}
                </span>
              </span>
              <span className="min-w-0 break-words text-fg">
                {message !== undefined && (
                  <span className="whitespace-pre-wrap">
                    <AnsiText text={message} />
                  </span>
                )}
                {data !== undefined && (
                  <span className="mt-0.5 block font-mono text-[11.5px] text-fg-faint">{JSON.stringify(data).slice(0, 500)}</span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
      {!all && ordered.length > BREADCRUMB_LIMIT && (
        <button type="button" onClick={() => setAll(true)} className="mt-2 text-xs text-accent hover:underline">
          Show {ordered.length - BREADCRUMB_LIMIT} older breadcrumbs
        </button>
      )}
    </Section>
  );
}

const CONTEXT_ORDER = ['runtime', 'os', 'browser', 'device', 'app', 'culture', 'cloud_resource', 'trace'];

function Contexts({ contexts }: { contexts: JsonObject }) {
  const entries = Object.entries(contexts)
    .map(([key, value]) => [key, asObject(value)] as const)
    .filter((entry): entry is readonly [string, JsonObject] => entry[1] !== undefined && Object.keys(entry[1]).length > 0)
    .sort(([a], [b]) => {
      const ia = CONTEXT_ORDER.indexOf(a);
      const ib = CONTEXT_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
  if (entries.length === 0) return null;
  return (
    <Section title="Contexts" testId="contexts">
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        {entries.map(([key, value]) => (
          <div
            key={key}
            data-testid="context"
            data-context={key}
            className="min-w-0 rounded-md border border-line bg-surface-2/40 px-3 py-2"
          >
            <h4 className="mb-1 font-mono text-[12px] font-semibold text-fg">{key}</h4>
            <KeyValueTable rows={Object.entries(value).filter(([k]) => k !== 'type')} />
          </div>
        ))}
      </div>
    </Section>
  );
}

function Tags({ tags }: { tags: [string, unknown][] }) {
  return (
    <Section title="Tags" testId="tags">
      <div className="flex flex-wrap gap-1.5">
        {tags.map(([key, value]) => (
          <span
            key={key}
            data-testid="tag"
            className="inline-flex max-w-full overflow-hidden rounded border border-line font-mono text-[12px]"
          >
            <span className="bg-surface-3 px-1.5 py-px text-fg-muted">{key}</span>
            <span className="truncate px-1.5 py-px text-fg">{typeof value === 'string' ? value : JSON.stringify(value)}</span>
          </span>
        ))}
      </div>
    </Section>
  );
}

function TraceLink({ event }: { event: JsonObject }) {
  const navigate = useNavigate();
  const traceId = asString(asObject(asObject(event.contexts)?.trace)?.trace_id);
  if (traceId === undefined || !findView('traces')) return null;
  const id = traceId.toLowerCase().replaceAll('-', '');
  return (
    <>
      <button
        type="button"
        data-testid="view-trace"
        onClick={() => navigate(routeOf('traces', id))}
        className="flex items-center gap-1 rounded-md border border-line px-2 py-1 text-xs text-accent hover:border-accent/50 hover:bg-accent/10"
      >
        <Icon name="link" className="size-3.5" />
        View trace {id.slice(0, 8)}
      </button>
      <TraceFindingsLink traceId={id} />
    </>
  );
}

/** When the error's trace ran an N+1 loop or repeated a request, a link to the first such span. */
function TraceFindingsLink({ traceId }: { traceId: string }) {
  const navigate = useNavigate();
  const finding = useInsights().byTrace.get(traceId)?.findings[0];
  if (finding === undefined) return null;
  return (
    <button
      type="button"
      data-testid="error-trace-n-plus-one"
      title={finding.key}
      onClick={() => navigate(routeOf('traces', traceId, finding.spanIds[0] ?? ''))}
      className="flex items-center gap-1.5 rounded-md border border-amber-300/30 px-2 py-1 text-xs text-amber-200 hover:bg-amber-400/10"
    >
      {finding.kind === 'n-plus-one' ? 'N+1 query' : 'Repeated request'} ×{finding.count} in this trace
    </button>
  );
}

function RawJson({ event }: { event: JsonObject }) {
  return (
    <Section title="Raw event" testId="raw" defaultOpen={false}>
      <div className="spotlight-scroll max-h-[32rem] overflow-auto rounded border border-line bg-surface-0/60 px-3 py-2">
        <JsonValue value={event} />
      </div>
    </Section>
  );
}

/** Everything the SDK sent with one error event, section by section. */
export function EventBody({ record }: { record: ErrorEventRecord }) {
  const { event } = record;
  const exceptions = exceptionsOf(event);
  const message = messageOf(event);
  const messageFrames = exceptions.length === 0 ? messageFramesOf(event) : [];
  const breadcrumbs = (Array.isArray(event.breadcrumbs) ? event.breadcrumbs : asArray(asObject(event.breadcrumbs)?.values))
    .map(asObject)
    .filter((c): c is JsonObject => c !== undefined);
  const request = asObject(event.request);
  const tags = entriesOf(event.tags);
  const user = entriesOf(event.user);
  const extra = entriesOf(event.extra);
  const contexts = asObject(event.contexts);
  const sdk = asObject(event.sdk) ?? asObject(record.envelopeHeader.sdk);
  const about: [string, unknown][] = [
    ['event_id', record.eventId],
    ['timestamp', formatDateTime(record.timestamp)],
    ['received', formatClock(record.receivedAt)],
    ['platform', event.platform],
    ['release', event.release],
    ['environment', event.environment],
    ['server_name', event.server_name],
    ['transaction', event.transaction],
    ['sdk', sdk ? `${asString(sdk.name) ?? '?'} ${asString(sdk.version) ?? ''}`.trim() : undefined],
    ['app root', record.appRoot],
  ];
  const integrations = asArray(sdk?.integrations).filter((i): i is string => typeof i === 'string');

  return (
    <div data-testid="event-detail" data-event-id={record.eventId}>
      {exceptions.length > 0 && (
        <Section title={exceptions.length > 1 ? 'Exceptions' : 'Exception'} testId="exception" aside={<TraceLink event={event} />}>
          <Exceptions exceptions={exceptions} appRoot={record.appRoot} />
        </Section>
      )}
      {message !== undefined && (exceptions.length === 0 || asObject(event.logentry) !== undefined) && (
        <Section title="Message" testId="message" aside={exceptions.length === 0 ? <TraceLink event={event} /> : undefined}>
          <pre data-testid="event-message" className="font-mono text-[12.5px] break-words whitespace-pre-wrap text-fg">
            <AnsiText text={message} />
          </pre>
          {messageFrames.length > 0 && (
            <div className="mt-3">
              <StackFrames frames={messageFrames} appRoot={record.appRoot} />
            </div>
          )}
        </Section>
      )}
      {breadcrumbs.length > 0 && <Breadcrumbs crumbs={breadcrumbs} eventTime={record.timestamp} />}
      {request && <RequestSection request={request} />}
      {record.attachments.length > 0 && (
        <Section title="Attachments" testId="attachments" aside={<span>{record.attachments.length}</span>}>
          <Attachments attachments={record.attachments} />
        </Section>
      )}
      {tags.length > 0 && <Tags tags={tags} />}
      {user.length > 0 && (
        <Section title="User" testId="user">
          <KeyValueTable rows={user} testId="user-table" />
        </Section>
      )}
      {contexts && <Contexts contexts={contexts} />}
      {extra.length > 0 && (
        <Section title="Additional data" testId="extra">
          <KeyValueTable rows={extra} testId="extra-table" />
        </Section>
      )}
      <Section title="Event" testId="about">
        <KeyValueTable rows={about.filter(([, v]) => v !== undefined && v !== null && v !== '')} testId="about-table" />
        {integrations.length > 0 && (
          <div className="mt-2 flex flex-wrap gap-1">
            {integrations.map((name) => (
              <Chip key={name}>{name}</Chip>
            ))}
          </div>
        )}
      </Section>
      <RawJson event={event} />
    </div>
  );
}
