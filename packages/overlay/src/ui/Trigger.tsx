import type { ConnectionStatus } from '../data/store.ts';
import type { Anchor } from '../options.ts';
import { useSessionView } from '../views/sessions/useSessions.ts';
import { SpotlightLogo } from './components.tsx';
import { formatCount } from './format.ts';
import { useController, useSpotlightStore } from './hooks.ts';

const ANCHOR_CLASSES: Readonly<Record<Anchor, string>> = {
  'bottom-right': 'bottom-4 right-4',
  'bottom-left': 'bottom-4 left-4',
  'top-right': 'top-4 right-4',
  'top-left': 'top-4 left-4',
  'center-right': 'top-1/2 right-4 -translate-y-1/2',
  'center-left': 'top-1/2 left-4 -translate-y-1/2',
};

export const STATUS_DOT: Readonly<Record<ConnectionStatus, string>> = {
  idle: 'bg-slate-500',
  connecting: 'bg-amber-400',
  open: 'bg-emerald-400',
  reconnecting: 'bg-amber-400',
  closed: 'bg-slate-500',
};

/**
 * The floating button: opens the overlay; its badge counts the errors that opening it would show (the selected
 * session: after a reload, not the earlier page's) and that arrived since it was last open.
 */
export function Trigger() {
  const controller = useController();
  const { connection } = useSpotlightStore();
  const { visibility } = useSessionView();
  if (!controller.options.showTriggerButton) return null;
  const unseen = controller.store.visibleErrorArrivals(visibility).since(controller.seenUpTo);
  const shortcut = controller.shortcutLabel ? ` (${controller.shortcutLabel})` : '';
  const label = unseen > 0 ? `Open Spotlight: ${unseen} new ${unseen === 1 ? 'error' : 'errors'}` : 'Open Spotlight';
  return (
    <button
      type="button"
      data-testid="spotlight-trigger"
      data-anchor={controller.options.anchor}
      aria-label={label}
      title={`${label}${shortcut}`}
      onClick={() => controller.open()}
      className={`fixed ${ANCHOR_CLASSES[controller.options.anchor]} flex size-11 items-center justify-center rounded-full border border-line-strong bg-surface-2/95 text-accent shadow-lg shadow-black/40 transition hover:scale-105 hover:border-accent/60 hover:text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent active:scale-95`}
    >
      <SpotlightLogo className="size-6" />
      <span
        aria-hidden="true"
        data-testid="connection-dot"
        data-status={connection.status}
        className={`absolute bottom-0.5 right-0.5 size-2.5 rounded-full ring-2 ring-surface-2 ${STATUS_DOT[connection.status]}`}
      />
      {unseen > 0 && (
        <span
          data-testid="spotlight-badge"
          data-count={unseen}
          className="absolute -top-1.5 -right-1.5 min-w-5 rounded-full bg-red-500 px-1.5 text-center text-[11px] leading-5 font-semibold text-white shadow ring-2 ring-surface-0 tabular-nums"
        >
          {formatCount(unseen)}
        </span>
      )}
    </button>
  );
}
