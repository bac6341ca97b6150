import { useState } from 'react';
import { type LlmCall, llmTotals } from '../../data/llm.ts';
import { Chip, LongText } from '../../ui/components.tsx';
import { useNavigate } from '../../ui/hooks.ts';
import { routeOf } from '../../ui/uiState.ts';
import { formatDuration } from '../traces/duration.ts';
import { InsightsEmpty } from './common.tsx';
import { useInsights } from './useInsights.ts';

function tokens(n: number | undefined): string {
  return n === undefined ? '–' : n.toLocaleString('en-US');
}

function Recorded({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <h4 className="mb-1 text-[11px] font-semibold tracking-wider text-fg-muted uppercase">{label}</h4>
      {/* Plain text: whatever a model or user wrote is never markup here. */}
      <pre className="spotlight-scroll max-h-64 overflow-auto rounded border border-line bg-surface-0/60 px-3 py-2 font-mono text-[12px] whitespace-pre-wrap break-words text-fg">
        <LongText text={text} />
      </pre>
    </div>
  );
}

function CallRow({ call }: { call: LlmCall }) {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  return (
    <li data-testid="llm-call" className={`border-b border-line/40 ${call.wrapper ? 'opacity-70' : ''}`}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        className="flex w-full min-w-0 items-center gap-3 px-4 py-2 text-left hover:bg-surface-2"
      >
        <Chip>{call.operation}</Chip>
        <span data-testid="llm-model" className="min-w-0 truncate font-mono text-[12.5px] text-fg">
          {call.model ?? '(model not sent)'}
        </span>
        {call.provider !== undefined && <span className="text-[11.5px] text-fg-faint">{call.provider}</span>}
        {call.wrapper && <span className="text-[11px] text-fg-faint">(wraps other calls)</span>}
        <span className="ml-auto flex shrink-0 items-center gap-4 font-mono text-[12px] tabular-nums">
          <span data-testid="llm-tokens" title="Tokens in → out">
            {tokens(call.inputTokens)} → {tokens(call.outputTokens)}
          </span>
          <span data-testid="llm-latency">{formatDuration(call.latencyMs)}</span>
        </span>
      </button>
      {open && (
        <div className="flex flex-col gap-3 px-4 pb-3">
          {call.system !== undefined && <Recorded label="System" text={call.system} />}
          {call.prompt !== undefined && <Recorded label="Prompt" text={call.prompt} />}
          {call.response !== undefined && <Recorded label="Response" text={call.response} />}
          {call.prompt === undefined && call.response === undefined && (
            <p className="text-xs text-fg-faint">
              The SDK recorded no prompt or response (sendDefaultPii, or the integration's recordInputs/recordOutputs).
            </p>
          )}
          <button
            type="button"
            className="self-start text-xs text-accent hover:underline"
            onClick={() => navigate(routeOf('traces', call.traceId, call.span.spanId))}
          >
            Open in its trace
          </button>
        </div>
      )}
    </li>
  );
}

/** Model calls per trace, with tokens and latency; prompt and response when recorded. */
export function LlmView() {
  const { llm, byTrace } = useInsights();
  if (llm.length === 0) {
    return (
      <InsightsEmpty title="No LLM calls yet" testId="llm-empty">
        <p>
          <code className="font-mono text-fg">gen_ai.*</code> spans from the OpenAI, Anthropic or Vercel AI SDK integrations show up here.
        </p>
      </InsightsEmpty>
    );
  }
  const traceIds = [...new Set(llm.map((c) => c.traceId))];
  return (
    <div className="spotlight-scroll h-full overflow-auto">
      {traceIds.map((traceId) => {
        const calls = llm.filter((c) => c.traceId === traceId);
        const totals = llmTotals(calls);
        return (
          <section key={traceId} data-testid="llm-trace" className="border-b border-line">
            <header className="flex items-center gap-3 bg-surface-2/40 px-4 py-1.5 text-[12px]">
              <span className="font-semibold text-fg">{byTrace.get(traceId)?.trace.name ?? traceId}</span>
              <span className="font-mono text-[11px] text-fg-faint">{traceId.slice(0, 8)}</span>
              <span data-testid="llm-trace-totals" className="ml-auto font-mono text-[11.5px] text-fg-muted tabular-nums">
                {totals.calls} call{totals.calls === 1 ? '' : 's'} · {tokens(totals.inputTokens)} → {tokens(totals.outputTokens)} tokens ·{' '}
                {formatDuration(totals.latencyMs)}
              </span>
            </header>
            <ul>
              {calls.map((call) => (
                <CallRow key={call.span.spanId} call={call} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
