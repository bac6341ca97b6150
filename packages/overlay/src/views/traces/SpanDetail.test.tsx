import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createTraceSelector, type Trace } from '../../data/traces.ts';
import { firstPayload, storedFixture } from '../../data/tracesFixtures.ts';
import { SpanDetail, TraceSummary } from './SpanDetail.tsx';

const HOSTILE = '<img src=x onerror="alert(1)">';

function hostileTrace(): Trace {
  const stored = storedFixture('sentry-node-11.12/span.envelope', 'h', 1, (envelope) => {
    const container = firstPayload<{ items: { name: string; attributes: Record<string, unknown> }[] }>(envelope);
    for (const span of container.items) {
      span.name = `${span.name} ${HOSTILE}`;
      span.attributes['user.note'] = { value: HOSTILE, type: 'string' };
    }
  });
  const log = storedFixture('sentry-node-11.12/log.envelope', 'l', 2, (envelope) => {
    for (const line of firstPayload<{ items: { body: string }[] }>(envelope).items) line.body = HOSTILE;
  });
  return createTraceSelector()([stored, log]).traces[0] as Trace;
}

describe('span detail', () => {
  const trace = hostileTrace();
  const noop = () => {};

  it('shows the span, its service and its attributes', () => {
    const span = trace.spans.find((s) => s.name.startsWith('child-2')) ?? trace.spans[0];
    if (span === undefined) throw new Error('no span');
    const html = renderToStaticMarkup(
      <SpanDetail trace={trace} span={span} color={undefined} onClose={noop} onOpenError={noop} onOpenLog={noop} />,
    );
    expect(html).toContain('data-testid="span-detail-service"');
    expect(html).toContain('node · probe@1.0.0');
    expect(html).toContain('a5b526a2dba86382');
    expect(html).toContain('http.client');
    expect(html).toContain('span-v2 container');
  });

  it('renders event text as text, never as markup', () => {
    const span = trace.spans[0];
    if (span === undefined) throw new Error('no span');
    const html = [
      renderToStaticMarkup(<SpanDetail trace={trace} span={span} color={undefined} onClose={noop} onOpenError={noop} onOpenLog={noop} />),
      renderToStaticMarkup(<TraceSummary trace={trace} colors={new Map()} onOpenError={noop} onOpenLog={noop} />),
    ].join('\n');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });
});
