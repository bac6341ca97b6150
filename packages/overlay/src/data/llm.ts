import { asNumber, asString } from './errorEvent.ts';
import type { Span } from './spans.ts';
import type { Trace } from './traces.ts';

/** One call to a model (a `gen_ai.*` span), as the OpenAI/Anthropic instrumentations and the Vercel AI SDK send them. */
export interface LlmCall {
  readonly span: Span;
  readonly traceId: string;
  /** `chat`, `embeddings`, `invoke_agent`, `execute_tool`, ... */
  readonly operation: string;
  readonly provider?: string;
  /** The model that answered, else the one asked for. */
  readonly model?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
  readonly latencyMs: number;
  /** What was sent and answered, when the SDK recorded it (`sendDefaultPii`, `recordInputs`/`recordOutputs`). */
  readonly system?: string;
  readonly prompt?: string;
  readonly response?: string;
  /**
   * Whether other model calls ran inside it (an agent's run, the Vercel AI SDK's `generateText` around
   * its `doGenerate`): its tokens are theirs, so totals leave it out.
   */
  readonly wrapper: boolean;
}

function first(attributes: Readonly<Record<string, unknown>>, keys: readonly string[]): unknown {
  for (const key of keys) if (attributes[key] !== undefined) return attributes[key];
  return undefined;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function isLlmSpan(span: Span): boolean {
  const op = span.op ?? '';
  if (op.startsWith('gen_ai.') || op.startsWith('ai.')) return true;
  const a = span.attributes;
  return a['gen_ai.operation.name'] !== undefined || a['gen_ai.request.model'] !== undefined || a['gen_ai.system'] !== undefined;
}

function callOf(span: Span): Omit<LlmCall, 'wrapper'> {
  const a = span.attributes;
  const op = span.op ?? '';
  const operation = asString(a['gen_ai.operation.name']) ?? (op.startsWith('gen_ai.') ? op.slice('gen_ai.'.length) : op || 'call');
  const inputTokens = asNumber(first(a, ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'ai.usage.promptTokens']));
  const outputTokens = asNumber(first(a, ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'ai.usage.completionTokens']));
  const totalTokens =
    asNumber(a['gen_ai.usage.total_tokens']) ??
    (inputTokens !== undefined || outputTokens !== undefined ? (inputTokens ?? 0) + (outputTokens ?? 0) : undefined);
  const call: { -readonly [K in keyof Omit<LlmCall, 'wrapper'>]: LlmCall[K] } = {
    span,
    traceId: span.traceId,
    operation,
    latencyMs: span.duration,
  };
  const provider = asString(first(a, ['gen_ai.provider.name', 'gen_ai.system', 'ai.model.provider']));
  const model = asString(first(a, ['gen_ai.response.model', 'gen_ai.request.model', 'ai.response.model', 'ai.model.id']));
  const system = text(first(a, ['gen_ai.system_instructions']));
  const prompt = text(first(a, ['gen_ai.input.messages', 'gen_ai.request.messages', 'gen_ai.prompt', 'ai.prompt.messages', 'ai.prompt']));
  const response = text(
    first(a, ['gen_ai.output.messages', 'gen_ai.response.text', 'gen_ai.response.tool_calls', 'ai.response.text', 'gen_ai.completion']),
  );
  if (provider !== undefined) call.provider = provider;
  if (model !== undefined) call.model = model;
  if (inputTokens !== undefined) call.inputTokens = inputTokens;
  if (outputTokens !== undefined) call.outputTokens = outputTokens;
  if (totalTokens !== undefined) call.totalTokens = totalTokens;
  if (system !== undefined) call.system = system;
  if (prompt !== undefined) call.prompt = prompt;
  if (response !== undefined) call.response = response;
  return call;
}

/** The model calls of a trace, in start order. */
export function traceLlmCalls(trace: Trace): LlmCall[] {
  const spans = trace.spans.filter(isLlmSpan);
  if (spans.length === 0) return [];
  const ids = new Set(spans.map((s) => s.spanId));
  const parentOf = new Map(trace.spans.map((s) => [s.spanId, s.parentSpanId] as const));
  // A call is a wrapper when another call has it as an ancestor.
  const wrappers = new Set<string>();
  for (const span of spans) {
    let parent = span.parentSpanId;
    for (let depth = 0; parent !== undefined && depth < 1000; depth++) {
      if (ids.has(parent)) {
        wrappers.add(parent);
        break;
      }
      parent = parentOf.get(parent);
    }
  }
  return spans.map((span) => ({ ...callOf(span), wrapper: wrappers.has(span.spanId) }));
}

export interface LlmTotals {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
}

/** Totals over the calls that are not wrappers of other calls. */
export function llmTotals(calls: readonly LlmCall[]): LlmTotals {
  let count = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let latencyMs = 0;
  for (const call of calls) {
    if (call.wrapper) continue;
    count += 1;
    inputTokens += call.inputTokens ?? 0;
    outputTokens += call.outputTokens ?? 0;
    latencyMs += call.latencyMs;
  }
  return { calls: count, inputTokens, outputTokens, latencyMs };
}
