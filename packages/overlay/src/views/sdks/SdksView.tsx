import { useState } from 'react';
import type { SpotlightStore } from '../../data/index.ts';
import type { DiscardedCount, SdkSummary, TelemetryKind } from '../../data/sdks.ts';
import { EmptyState } from '../../ui/components.tsx';
import { formatCount, formatDateTime, formatTimeAgo } from '../../ui/format.ts';
import { useNow, useStore } from '../../ui/hooks.ts';
import { ServiceChip } from '../traces/ServiceChip.tsx';
import { serviceColor } from '../traces/serviceColors.ts';

/** The tab's number: SDKs (per service) that reported. */
export function sdksTabCount(store: SpotlightStore): number {
  return store.sdks().length;
}

const KIND_LABELS: readonly [TelemetryKind, string, string, string][] = [
  ['error', 'error', 'errors', 'text-red-300'],
  ['transaction', 'transaction', 'transactions', 'text-sky-300'],
  ['span', 'span', 'spans', 'text-sky-300'],
  ['log', 'log', 'logs', 'text-emerald-300'],
  ['session', 'session', 'sessions', 'text-fg-muted'],
  ['attachment', 'attachment', 'attachments', 'text-fg-muted'],
  ['profile', 'profile', 'profiles', 'text-fg-muted'],
  ['replay', 'replay', 'replays', 'text-fg-muted'],
  ['check_in', 'check-in', 'check-ins', 'text-fg-muted'],
  ['feedback', 'feedback', 'feedback', 'text-fg-muted'],
  ['client_report', 'client report', 'client reports', 'text-fg-faint'],
  ['other', 'other item', 'other items', 'text-fg-faint'],
];

const REASON_LABELS: Readonly<Record<string, string>> = {
  queue_overflow: 'no room in a burst',
  network_error: 'no sidecar reachable',
  send_error: 'refused',
  ratelimit_backoff: 'rate limited',
  sample_rate: 'sampled out',
  before_send: 'beforeSend',
  event_processor: 'an event processor',
  buffer_overflow: 'buffer full',
};

function discardText(discard: DiscardedCount): string {
  const reason = REASON_LABELS[discard.reason] ?? discard.reason.replaceAll('_', ' ');
  return `${formatCount(discard.quantity)} ${discard.category.replaceAll('_', ' ')} (${reason})`;
}

/** Client reports: what the SDK, or Spotlight's hook in its name, could not deliver. Nothing lost silently. */
function Dropped({ discarded }: { discarded: readonly DiscardedCount[] }) {
  const total = discarded.reduce((sum, discard) => sum + discard.quantity, 0);
  return (
    <div data-testid="sdk-dropped" data-count={total} className="border-t border-line/70 px-4 py-2 text-[12px] text-amber-300">
      <span className="font-semibold tabular-nums">{formatCount(total)}</span> dropped before reaching Spotlight:{' '}
      <span className="text-fg-muted">{discarded.map(discardText).join(', ')}</span>
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string | undefined }) {
  return (
    <div className="min-w-0">
      <dt className="text-[10.5px] tracking-wider text-fg-faint uppercase">{label}</dt>
      <dd className={`truncate font-mono text-[12px] ${value === undefined ? 'text-fg-faint' : 'text-fg'}`} title={value}>
        {value ?? 'not set'}
      </dd>
    </div>
  );
}

function DsnHintBlock({ sdk }: { sdk: SdkSummary }) {
  const [open, setOpen] = useState(false);
  const { hint } = sdk;
  return (
    <div className="border-t border-line/70 px-4 py-2.5">
      <button
        type="button"
        data-testid="sdk-dsn-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="text-[12px] text-accent hover:underline"
      >
        {open ? 'Hide' : 'Send this to Sentry in production'}
      </button>
      {open && (
        <div data-testid="sdk-dsn-hint" className="mt-2 flex flex-col gap-2 text-[12px] text-fg-muted">
          <p>
            Spotlight gets everything this SDK captures, with no DSN. To send the same to Sentry, set the project's DSN (Sentry → Project
            Settings → Client Keys) where the {hint.language === 'browser' ? 'page is built' : 'service runs'} in production
            {hint.env !== undefined ? ', as an environment variable the SDK reads by itself:' : ':'}
          </p>
          {hint.env !== undefined && (
            <pre className="rounded-md border border-line bg-surface-0 px-3 py-2 font-mono text-[12px] text-fg">{hint.env}</pre>
          )}
          {hint.env !== undefined && <p>or in the SDK's init:</p>}
          <pre className="overflow-auto rounded-md border border-line bg-surface-0 px-3 py-2 font-mono text-[12px] text-fg">
            {hint.code}
          </pre>
        </div>
      )}
    </div>
  );
}

export function SdkCard({ sdk, index, now }: { sdk: SdkSummary; index: number; now: number }) {
  const counts = KIND_LABELS.filter(([kind]) => (sdk.counts[kind] ?? 0) > 0);
  return (
    <li
      data-testid="sdk-row"
      data-sdk-name={sdk.name}
      data-release={sdk.release}
      className="overflow-hidden rounded-lg border border-line bg-surface-2/40"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5 px-4 pt-3">
        <ServiceChip service={sdk.service} color={serviceColor(index)} testId="sdk-service" />
        <span data-testid="sdk-name" className="font-mono text-[12.5px] text-fg">
          {sdk.name}
          {sdk.version !== undefined && <span className="text-fg-muted"> {sdk.version}</span>}
        </span>
        <span
          title={`First seen ${formatDateTime(sdk.firstSeen)}, last seen ${formatDateTime(sdk.lastSeen)}`}
          className="ml-auto text-[11.5px] text-fg-faint"
        >
          last seen <span data-testid="sdk-last-seen">{formatTimeAgo(sdk.lastSeen, now)}</span>
        </span>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 px-4 py-3 sm:grid-cols-4">
        <Fact label="Release" value={sdk.release} />
        <Fact label="Environment" value={sdk.environment} />
        <Fact label="Host" value={sdk.serverName} />
        <Fact label="Runtime" value={sdk.runtime} />
      </dl>
      <div data-testid="sdk-counts" className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 pb-3 text-[12px]">
        {counts.map(([kind, label, color]) => (
          <span key={kind} data-testid={`sdk-count-${kind}`} data-count={sdk.counts[kind]}>
            <span className={`font-semibold tabular-nums ${color}`}>{formatCount(sdk.counts[kind] ?? 0)}</span>{' '}
            <span className="text-fg-muted">{label}</span>
          </span>
        ))}
        <span className="ml-auto text-[11px] text-fg-faint">
          {sdk.envelopes} envelope{sdk.envelopes === 1 ? '' : 's'}
          {sdk.integrations.length > 0 && (
            <span title={sdk.integrations.join(', ')}>
              {' '}
              · {sdk.integrations.length} integration{sdk.integrations.length === 1 ? '' : 's'}
            </span>
          )}
        </span>
      </div>
      {sdk.discarded.length > 0 && <Dropped discarded={sdk.discarded} />}
      <DsnHintBlock sdk={sdk} />
    </li>
  );
}

/** Every SDK that reported, per service: what it is, how it is configured, what it sent. */
export function SdksView() {
  const store = useStore();
  const now = useNow();
  const sdks = store.sdks();
  if (sdks.length === 0) {
    return (
      <EmptyState title="No SDK has reported yet" testId="sdks-empty">
        <p>
          Each Sentry SDK that sends to Spotlight shows up here with its version, service, release and what it sent. A page's SDK sends here
          once the page has the Vite plugin or calls <code className="font-mono text-fg">Spotlight.init()</code> from{' '}
          <code className="font-mono text-fg">sentry-spotlight</code>; a Node service's, once it calls{' '}
          <code className="font-mono text-fg">Spotlight.init()</code>.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="spotlight-scroll h-full overflow-auto px-5 py-4">
      <ul data-testid="sdk-list" className="mx-auto flex max-w-5xl flex-col gap-3">
        {sdks.map((sdk, i) => (
          <SdkCard key={sdk.key} sdk={sdk} index={i} now={now} />
        ))}
      </ul>
    </div>
  );
}
