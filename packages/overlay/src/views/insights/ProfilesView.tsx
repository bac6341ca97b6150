import { useMemo } from 'react';
import { profilesForSpan } from '../../data/insights.ts';
import { type ProfileIndex, profileSlice } from '../../data/profiles.ts';
import type { Span } from '../../data/spans.ts';
import type { Trace } from '../../data/traces.ts';
import { EmptyState, Icon } from '../../ui/components.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { useNavigate } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { formatDuration } from '../traces/duration.ts';
import { FlameGraph, FunctionTable } from './FlameGraph.tsx';
import { useInsights, useProfiles } from './useInsights.ts';

/** Segments (what one service did in a trace) that a profile covers, newest first. */
function profiledSegments(traces: Iterable<Trace>, profiles: ProfileIndex): { trace: Trace; span: Span }[] {
  const out: { trace: Trace; span: Span }[] = [];
  if (profiles.all.length === 0) return out;
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (!span.isSegment && span !== trace.rootSpan) continue;
      if (profilesForSpan(profiles, trace, span).length > 0) out.push({ trace, span });
    }
  }
  return out;
}

function ProfileDetail({ trace, span, profiles }: { trace: Trace; span: Span; profiles: ProfileIndex }) {
  const navigate = useNavigate();
  const slice = useMemo(() => {
    const threadId = typeof span.attributes['thread.id'] === 'string' ? (span.attributes['thread.id'] as string) : undefined;
    const range = threadId === undefined ? { start: span.start, end: span.end } : { start: span.start, end: span.end, threadId };
    return profileSlice(profilesForSpan(profiles, trace, span), range);
  }, [trace, span, profiles]);
  return (
    <div data-testid="profile-detail" className="flex h-full min-h-0 flex-col">
      <header className="flex shrink-0 items-center gap-3 border-b border-line px-4 py-2.5">
        <button
          type="button"
          onClick={() => navigate('/insights/profiles')}
          className="flex items-center gap-1 rounded-md px-1.5 py-1 text-xs text-fg-muted hover:bg-surface-3 hover:text-fg"
        >
          <Icon name="left" className="size-3.5" />
          Profiles
        </button>
        <div className="flex min-w-0 flex-col">
          <h2 className="truncate text-[14px] font-semibold text-fg">{span.name}</h2>
          <span className="text-[11.5px] text-fg-faint">
            {span.service.label} · {formatDuration(span.duration)} · {slice?.sampleCount ?? 0} samples
          </span>
        </div>
        <button
          type="button"
          data-testid="profile-open-trace"
          onClick={() => navigate(routeOf('traces', trace.traceId, span.spanId))}
          className="ml-auto text-xs text-accent hover:underline"
        >
          Open in its trace
        </button>
      </header>
      {slice === undefined ? (
        <EmptyState title="No samples in this span" testId="profile-no-samples">
          <p>
            The profiler took no sample while this span ran (it was shorter than the sampling interval, or the profile has not arrived).
          </p>
        </EmptyState>
      ) : (
        <div className="flex min-h-0 flex-1">
          <section aria-label="Flame graph" className="spotlight-scroll min-w-0 flex-1 overflow-auto px-4 py-3">
            <FlameGraph slice={slice} />
          </section>
          <section
            aria-label="Functions by self time"
            className="spotlight-scroll w-[26rem] max-w-[45%] shrink-0 overflow-auto border-l border-line"
          >
            <FunctionTable rows={slice.functions} total={slice.root.totalMs} />
          </section>
        </div>
      )}
    </div>
  );
}

/** Routes: `/insights/profiles` (profiled requests), `/insights/profiles/<trace id>/<span id>` (flame graph). */
export function ProfilesView({ path }: { path: readonly string[] }) {
  const insights = useInsights();
  const profiles = useProfiles();
  const navigate = useNavigate();
  const [traceId, spanId] = path;
  const segments = useMemo(
    () =>
      profiledSegments(
        [...insights.byTrace.values()].map((t) => t.trace),
        profiles,
      ),
    [insights, profiles],
  );
  if (traceId !== undefined) {
    const trace = insights.byTrace.get(traceId)?.trace;
    const span = trace?.spans.find((s) => s.spanId === spanId) ?? trace?.rootSpan;
    if (trace === undefined || span === undefined) {
      return <EmptyState title="This trace is not here anymore" testId="profile-not-found" />;
    }
    return <ProfileDetail trace={trace} span={span} profiles={profiles} />;
  }
  if (segments.length === 0) {
    return (
      <EmptyState title="No profiles yet" testId="profiles-empty">
        <p>
          Install <code className="font-mono text-fg">@sentry/profiling-node</code> next to{' '}
          <code className="font-mono text-fg">@sentry/node</code>: Spotlight's Node hook then profiles every request in development.
          Continuous (<code className="font-mono text-fg">profile_chunk</code>) and transaction profiles are shown as flame graphs.
        </p>
      </EmptyState>
    );
  }
  return (
    <ul className="spotlight-scroll h-full overflow-auto">
      {segments.map(({ trace, span }) => (
        <li key={`${trace.traceId}:${span.spanId}`}>
          <button
            type="button"
            data-testid="profiled-span"
            onClick={() => navigate(routeOf('insights', 'profiles', trace.traceId, span.spanId))}
            className="flex w-full min-w-0 items-center gap-3 border-b border-line/40 px-4 py-2 text-left hover:bg-surface-2"
          >
            <span className="min-w-0 truncate text-[13px] text-fg">{span.name}</span>
            <span className="text-[11.5px] text-fg-faint">{span.service.label}</span>
            <span className="ml-auto shrink-0 font-mono text-[12px] text-fg-muted tabular-nums">{formatDuration(span.duration)}</span>
            <span className="shrink-0 text-[11.5px] text-fg-faint">{formatDateTime(span.start)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
