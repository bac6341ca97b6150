import type { VitalName, VitalRating } from '../../data/vitals.ts';
import { VITAL_THRESHOLDS, VITALS } from '../../data/vitals.ts';
import { formatDuration } from '../traces/duration.ts';
import { InsightsEmpty } from './common.tsx';
import { useInsights } from './useInsights.ts';

const LABELS: Readonly<Record<VitalName, string>> = {
  lcp: 'Largest Contentful Paint',
  inp: 'Interaction to Next Paint',
  cls: 'Cumulative Layout Shift',
  fcp: 'First Contentful Paint',
  ttfb: 'Time to First Byte',
};

const RATING_CLASS: Readonly<Record<VitalRating, string>> = {
  good: 'text-emerald-300 ring-emerald-400/30 bg-emerald-400/10',
  'needs-improvement': 'text-amber-200 ring-amber-300/30 bg-amber-400/10',
  poor: 'text-red-300 ring-red-400/30 bg-red-500/10',
};

const RATING_LABEL: Readonly<Record<VitalRating, string>> = { good: 'good', 'needs-improvement': 'needs improvement', poor: 'poor' };

export function formatVital(name: VitalName, value: number): string {
  return name === 'cls' ? value.toFixed(3) : formatDuration(value);
}

/** Web vitals per page: the 75th percentile of its loads, rated with web.dev's thresholds. */
export function VitalsView() {
  const { pages } = useInsights();
  if (pages.length === 0) {
    return (
      <InsightsEmpty title="No page loads yet" testId="vitals-empty">
        <p>
          Browser page loads and navigations with <code className="font-mono text-fg">browserTracingIntegration()</code> report LCP, INP,
          CLS, FCP and TTFB; they show up here per page.
        </p>
      </InsightsEmpty>
    );
  }
  return (
    <div className="spotlight-scroll h-full overflow-auto px-4 py-3">
      <ul className="flex flex-col gap-3">
        {pages.map((page) => (
          <li key={page.page} data-testid="vitals-page" data-page={page.page} className="rounded-md border border-line bg-surface-2/40 p-3">
            <header className="mb-2 flex items-center gap-2">
              <span className="font-mono text-[13px] font-semibold text-fg">{page.page}</span>
              <span className="text-[11.5px] text-fg-faint">
                {page.loads.length} load{page.loads.length === 1 ? '' : 's'} · p75
              </span>
            </header>
            <dl className="grid grid-cols-5 gap-2">
              {VITALS.map((name) => {
                const vital = page.vitals[name];
                const [good, poor] = VITAL_THRESHOLDS[name];
                return (
                  <div
                    key={name}
                    data-testid={`vital-${name}`}
                    data-rating={vital?.rating ?? 'none'}
                    title={`${LABELS[name]}: good up to ${formatVital(name, good)}, poor above ${formatVital(name, poor)}`}
                    className={`rounded-md px-2.5 py-2 ring-1 ring-inset ${vital ? RATING_CLASS[vital.rating] : 'text-fg-faint ring-line'}`}
                  >
                    <dt className="text-[11px] font-semibold tracking-wider uppercase">{name}</dt>
                    <dd data-testid={`vital-${name}-value`} className="font-mono text-[15px] tabular-nums">
                      {vital ? formatVital(name, vital.p75) : '–'}
                    </dd>
                    <dd className="text-[11px]">{vital ? RATING_LABEL[vital.rating] : 'not measured'}</dd>
                  </div>
                );
              })}
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}
