import { addSourceContext, parseV8Stack, type SourceContextOptions, type StackFrame } from './stack-trace.ts';

export interface ExceptionValue {
  type: string;
  value: string;
  stacktrace?: { frames: StackFrame[] };
  mechanism: { type: string; handled: boolean; source?: string; exception_id: number; parent_id?: number };
}

/** How deep `error.cause` is followed: a cycle or a very long chain must not make the page slow. */
export const MAX_CAUSES = 5;

/**
 * Sentry's `exception.values` for a thrown value: the error and its `cause` chain, the earliest cause first and
 * the thrown error last (Sentry's order), each with its parsed stack and the source lines around each frame.
 */
export async function exceptionValues(thrown: unknown, mechanism: string, sourceContext?: SourceContextOptions): Promise<ExceptionValue[]> {
  const chain: unknown[] = [];
  const seen = new Set<unknown>();
  let current: unknown = thrown;
  while (current !== undefined && current !== null && !seen.has(current) && chain.length <= MAX_CAUSES) {
    seen.add(current);
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  const values = await Promise.all(
    chain.map(async (item, index): Promise<ExceptionValue> => {
      const { type, value, stack } = describeThrown(item);
      const frames = stack ? await addSourceContext(parseV8Stack(stack), sourceContext) : [];
      return {
        type,
        value,
        ...(frames.length > 0 ? { stacktrace: { frames } } : {}),
        mechanism:
          index === 0
            ? { type: mechanism, handled: false, exception_id: 0 }
            : { type: 'chained', source: 'cause', handled: false, exception_id: index, parent_id: index - 1 },
      };
    }),
  );
  return values.reverse();
}

/** Type, message and stack of anything `throw` can throw. */
export function describeThrown(thrown: unknown): { type: string; value: string; stack?: string } {
  if (thrown instanceof Error) {
    const type = thrown.name && thrown.name !== 'Error' ? thrown.name : (thrown.constructor?.name ?? 'Error');
    return { type, value: thrown.message, ...(thrown.stack ? { stack: thrown.stack } : {}) };
  }
  if (typeof thrown === 'string') return { type: 'Error', value: thrown };
  let text: string;
  try {
    text = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  return { type: 'Error', value: `Non-Error thrown: ${text}` };
}
