import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { ConnectionState } from '../data/store.ts';
import { useSessionView } from '../views/sessions/useSessions.ts';
import { EmptyState, Icon, SpotlightLogo } from './components.tsx';
import { formatCount } from './format.ts';
import { useController, useEnvelopes, useRoute, useSpotlightStore, useStore } from './hooks.ts';
import { STATUS_DOT } from './Trigger.tsx';
import { findView, views } from './views.ts';

const STATUS_TEXT: Readonly<Record<ConnectionState['status'], string>> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

function ConnectionStatus() {
  const controller = useController();
  const { connection } = useSpotlightStore();
  const detail = `${controller.options.sidecarUrl}${connection.error ? ` — ${connection.error}` : ''}`;
  const canRetry = connection.status === 'reconnecting' || connection.status === 'closed';
  return (
    <div className="flex items-center gap-2 text-xs text-fg-muted">
      <span
        data-testid="connection-status"
        data-status={connection.status}
        title={`Sidecar: ${detail}`}
        className="flex items-center gap-1.5 rounded-md px-2 py-1"
      >
        <span
          aria-hidden="true"
          className={`size-2 rounded-full ${STATUS_DOT[connection.status]} ${connection.status === 'open' ? 'shadow-[0_0_6px] shadow-emerald-400/70' : ''}`}
        />
        <span>{STATUS_TEXT[connection.status]}</span>
      </span>
      {canRetry && (
        <button
          type="button"
          data-testid="reconnect-button"
          onClick={() => controller.reconnect()}
          className="rounded-md px-2 py-1 text-fg-muted hover:bg-surface-3 hover:text-fg"
        >
          Retry now
        </button>
      )}
    </div>
  );
}

function ClearButton() {
  const controller = useController();
  const [error, setError] = useState<string>();
  return (
    <button
      type="button"
      data-testid="clear-button"
      title={error ? `The sidecar could not be cleared: ${error}` : 'Remove every event from this page and the sidecar'}
      onClick={() => {
        setError(undefined);
        controller.clear().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
      }}
      className={`flex items-center gap-1.5 rounded-md px-2 py-1 text-xs hover:bg-surface-3 hover:text-fg ${error ? 'text-amber-300' : 'text-fg-muted'}`}
    >
      <Icon name="trash" className="size-3.5" />
      Clear
    </button>
  );
}

/** What an export or an import said, shown in the header until the next one. */
interface Notice {
  readonly text: string;
  readonly failed: boolean;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Saves what the panel shows (the selected session, or everything) as a file of envelopes. */
function ExportButton({ onNotice }: { onNotice: (notice: Notice) => void }) {
  const controller = useController();
  const { visibility } = useSessionView();
  return (
    <button
      type="button"
      data-testid="export-button"
      title="Save what is shown as a file of envelopes; open it with `spotlight import` or by dropping it here"
      onClick={() => {
        const ids = visibility.all ? undefined : controller.store.visibleEnvelopes(visibility).map((stored) => stored.id);
        controller.exportEnvelopes(ids).then(
          (count) => onNotice({ text: `Exported ${count} envelope${count === 1 ? '' : 's'}`, failed: false }),
          (error: unknown) => onNotice({ text: `Export failed: ${describeError(error)}`, failed: true }),
        );
      }}
      className="flex items-center gap-1.5 rounded-md px-2 py-1 text-xs text-fg-muted hover:bg-surface-3 hover:text-fg"
    >
      <Icon name="download" className="size-3.5" />
      Export
    </button>
  );
}

function hasFiles(event: React.DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

function Tabs({ active }: { active: string | undefined }) {
  const controller = useController();
  const store = useStore();
  const { visibility } = useSessionView();
  return (
    <div role="tablist" aria-label="Spotlight views" className="flex h-full items-stretch gap-1">
      {views.map((view) => {
        const selected = view.id === active;
        const count = view.count?.(store, visibility);
        return (
          <button
            key={view.id}
            type="button"
            role="tab"
            aria-selected={selected}
            data-testid={`tab-${view.id}`}
            onClick={() => controller.navigate(`/${view.id}`)}
            className={`relative flex items-center gap-1.5 px-3 text-[13px] font-medium transition-colors ${
              selected ? 'text-fg' : 'text-fg-muted hover:text-fg'
            }`}
          >
            {view.title}
            {count !== undefined && count > 0 && (
              <span
                data-testid={`tab-${view.id}-count`}
                className={`rounded-full px-1.5 text-[11px] leading-4 tabular-nums ${selected ? 'bg-accent/20 text-accent' : 'bg-surface-3 text-fg-muted'}`}
              >
                {formatCount(count)}
              </span>
            )}
            {selected && <span aria-hidden="true" className="absolute inset-x-2 -bottom-px h-0.5 rounded-full bg-accent" />}
          </button>
        );
      })}
    </div>
  );
}

/** The open overlay: header (tabs, connection, clear, close) and the routed view. */
export function Panel() {
  const controller = useController();
  const { fullPage } = controller.options;
  const envelopes = useEnvelopes();
  const route = useRoute();
  const [viewId, ...rest] = route;
  const view = findView(viewId);
  const panelRef = useRef<HTMLDivElement>(null);
  const [notice, setNotice] = useState<Notice>();
  const [dragging, setDragging] = useState(false);

  // Everything on screen while open counts as seen: the trigger's badge starts from zero again.
  useEffect(() => {
    const newest = envelopes[envelopes.length - 1];
    if (newest !== undefined) controller.seenUpTo = controller.store.seqOf(newest);
  }, [envelopes, controller]);

  useEffect(() => {
    if (!fullPage) panelRef.current?.focus({ preventScroll: true });
  }, [fullPage]);

  let body: ReactNode;
  if (view) {
    const View = view.component;
    body = <View path={rest} />;
  } else {
    body = (
      <EmptyState title="Nothing here" testId="unknown-route">
        <button type="button" className="text-accent hover:underline" onClick={() => controller.navigate('/errors')}>
          Go to errors
        </button>
      </EmptyState>
    );
  }

  return (
    <div
      data-testid="spotlight-overlay"
      data-full-page={fullPage ? '' : undefined}
      className={`fixed inset-0 flex font-sans text-[13px] text-fg ${fullPage ? 'bg-surface-0' : ''}`}
    >
      {!fullPage && (
        <div
          aria-hidden="true"
          data-testid="spotlight-backdrop"
          onClick={() => controller.close()}
          className="absolute inset-0 bg-black/60 backdrop-blur-[2px]"
        />
      )}
      <div
        ref={panelRef}
        role="dialog"
        aria-modal={fullPage ? undefined : true}
        aria-label="Spotlight"
        tabIndex={-1}
        onDragOver={(event) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(event) => {
          if (event.currentTarget === event.target) setDragging(false);
        }}
        onDrop={(event) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          setDragging(false);
          const files = Array.from(event.dataTransfer.files);
          const names = files.map((file) => file.name).join(', ');
          controller.importFiles(files).then(
            (count) => setNotice({ text: `Imported ${count} envelope${count === 1 ? '' : 's'} from ${names}`, failed: false }),
            (error: unknown) => setNotice({ text: `Could not import ${names}: ${describeError(error)}`, failed: true }),
          );
        }}
        className={`relative flex min-w-0 flex-1 flex-col overflow-hidden bg-surface-1 outline-none ${
          fullPage ? '' : 'm-2 rounded-xl border border-line shadow-2xl shadow-black/60 sm:m-5'
        }`}
      >
        <header className="flex h-11 shrink-0 items-stretch gap-3 border-b border-line bg-surface-2/60 pr-2 pl-4">
          <div className="flex items-center gap-2 pr-2 font-semibold tracking-tight text-fg">
            <SpotlightLogo className="size-5 text-accent" />
            <span>Spotlight</span>
          </div>
          <Tabs active={view?.id} />
          <div className="ml-auto flex items-center gap-1">
            {notice && (
              <span
                data-testid="panel-notice"
                role="status"
                className={`max-w-72 truncate px-2 text-xs ${notice.failed ? 'text-amber-300' : 'text-fg-muted'}`}
                title={notice.text}
              >
                {notice.text}
              </span>
            )}
            <ConnectionStatus />
            <ExportButton onNotice={setNotice} />
            <ClearButton />
            {!fullPage && (
              <button
                type="button"
                data-testid="close-button"
                aria-label="Close Spotlight"
                title={`Close (Esc${controller.shortcutLabel ? ` or ${controller.shortcutLabel}` : ''})`}
                onClick={() => controller.close()}
                className="ml-1 rounded-md p-1.5 text-fg-muted hover:bg-surface-3 hover:text-fg"
              >
                <Icon name="close" />
              </button>
            )}
          </div>
        </header>
        <main className="relative min-h-0 flex-1">{body}</main>
        {dragging && (
          <div
            data-testid="drop-zone"
            className="pointer-events-none absolute inset-0 flex items-center justify-center rounded-xl border-2 border-dashed border-accent bg-surface-0/80 text-sm text-fg"
          >
            Drop a Spotlight export (.envelope) to load it
          </div>
        )}
      </div>
    </div>
  );
}
