/** Pins a trace: it stays visible in every session, also after a reload. */
export function PinButton({ pinned, onToggle, compact = false }: { pinned: boolean; onToggle: () => void; compact?: boolean }) {
  return (
    <button
      type="button"
      data-testid="pin-trace"
      aria-pressed={pinned}
      title={pinned ? 'Unpin: show it only in its own session' : 'Pin: keep this trace visible in every session'}
      onClick={(event) => {
        event.stopPropagation();
        onToggle();
      }}
      className={`relative flex shrink-0 items-center gap-1 rounded-md px-1.5 py-1 text-xs transition-colors ${
        pinned ? 'text-amber-300 hover:bg-amber-400/10' : 'text-fg-faint hover:bg-surface-3 hover:text-fg'
      }`}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="size-3.5"
        fill={pinned ? 'currentColor' : 'none'}
        stroke="currentColor"
        strokeWidth="1.5"
      >
        <path d="M6 2.5h4l-.5 4 2.5 2.5H4l2.5-2.5z" strokeLinejoin="round" />
        <path d="M8 9v4.5" strokeLinecap="round" />
      </svg>
      {!compact && <span>{pinned ? 'Pinned' : 'Pin'}</span>}
    </button>
  );
}
