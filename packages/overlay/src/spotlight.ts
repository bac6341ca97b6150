import { decodeWireEnvelope, parseEnvelope, readSessionFile, toWireEnvelope, type WireEnvelope } from '@spotlight/envelope';
import { unwrappedFetch } from '@spotlight/sdk-hooks/browser';
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createStore, type SpotlightStore } from './data/index.ts';
import { createVisibilitySelector } from './data/sessions.ts';
import { connectSse, type SseClient } from './data/sseClient.ts';
import { mountShadowRoot } from './mount.ts';
import type { InitialEvent, ResolvedOptions } from './options.ts';
import { connectSdkBridge } from './sdkBridge.ts';
import { describeShortcut, isApplePlatform, matchesShortcut, parseShortcut } from './shortcut.ts';
import { App, loadPanel } from './ui/App.tsx';
import type { SpotlightController } from './ui/context.ts';
import { createUiState } from './ui/uiState.ts';
import { createSessionUiStore, pageStorage, type SessionUiStore } from './views/sessions/sessionState.ts';

export interface SpotlightHandle {
  /** Opens the overlay, at `path` when given (e.g. `/errors`, `/traces`). */
  open(path?: string): void;
  close(): void;
  toggle(): void;
  isOpen(): boolean;
  /** Shows a route without changing whether the overlay is open. */
  navigate(path: string): void;
  /** Adds an envelope as if the sidecar had sent it; false when it was already there or unreadable. */
  addEnvelope(envelope: InitialEvent, id?: string): boolean;
  /** Removes every element, listener, timer and connection the overlay made. */
  destroy(): void;
  readonly sidecarUrl: string;
}

/** Turns an initial event (envelope text or bytes, SSE frame data, or decoded) into the stored form. */
export function toStoredForm(input: InitialEvent): WireEnvelope {
  if (input instanceof Uint8Array) return toWireEnvelope(parseEnvelope(input));
  if (typeof input === 'string') return decodeWireEnvelope(input);
  return input;
}

function log(options: ResolvedOptions, ...args: unknown[]): void {
  if (options.debug) console.debug('[Spotlight]', ...args);
}

/**
 * How many envelopes one step publishes and derives (see `StoreOptions.stepEnvelopes`): a sidecar's replay
 * reaches the views in short tasks (bench/README.md says what a step costs per envelope).
 */
const ENVELOPES_PER_STEP = 200;

/** Longest the stream waits for the panel to show when the overlay opens at load. */
const PANEL_WAIT_MS = 3000;

/** Mounts the overlay, connects to the sidecar and wires the keyboard. One per page (see index.ts). */
export function createSpotlight(options: ResolvedOptions, win: Window & typeof globalThis = window): SpotlightHandle {
  const doc = win.document;
  for (const warning of options.warnings) console.warn(`[Spotlight] ${warning}`);
  const cleanups: (() => void)[] = [];

  // This overlay's envelopes and every view of them: nothing is shared with another overlay in the page.
  const store: SpotlightStore = createStore({ cap: options.maxEnvelopes, stepEnvelopes: ENVELOPES_PER_STEP });
  // The page's fetch without Sentry's instrumentation: the overlay's own requests to the sidecar must not
  // show up as spans and breadcrumbs of the app it is debugging (nor carry its trace headers).
  const sidecarFetch: typeof fetch = unwrappedFetch() ?? win.fetch.bind(win);
  const addEnvelope = (input: InitialEvent, id?: string): boolean => {
    try {
      return store.add(toStoredForm(input), id);
    } catch (error) {
      console.warn('[Spotlight] an initial event could not be read:', error instanceof Error ? error.message : error);
      return false;
    }
  };
  for (const input of options.initialEvents) addEnvelope(input);
  store.flush();

  // Full page: the route lives in the URL hash, so a reload or a shared link shows the same thing.
  const hashRoute = () => (win.location.hash.startsWith('#/') ? win.location.hash.slice(1) : undefined);
  const ui = createUiState({ open: options.openOnInit, route: (options.fullPage ? hashRoute() : undefined) ?? options.startFrom });
  if (options.fullPage) {
    const onHashChange = () => {
      const route = hashRoute();
      if (route !== undefined) ui.navigate(route);
    };
    win.addEventListener('hashchange', onHashChange);
    cleanups.push(() => win.removeEventListener('hashchange', onHashChange));
    cleanups.push(
      ui.subscribe(() => {
        const route = ui.getSnapshot().route;
        if (hashRoute() !== route) win.history.replaceState(win.history.state, '', `#${route}`);
      }),
    );
  }

  const apple = isApplePlatform(win.navigator.platform || win.navigator.userAgent);
  const shortcut = options.shortcut === false ? undefined : parseShortcut(options.shortcut, apple);
  if (options.shortcut !== false && shortcut === undefined)
    console.warn(`[Spotlight] shortcut ${JSON.stringify(options.shortcut)} is not understood`);

  let sse: SseClient | undefined;
  let returnFocus: Element | null = null;

  const setOpen = (open: boolean) => {
    if (options.fullPage && !open) return;
    const wasOpen = ui.getSnapshot().open;
    if (open === wasOpen) return;
    if (open) returnFocus = doc.activeElement;
    ui.setOpen(open);
    if (!open && returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus({ preventScroll: true });
  };

  let sessionUi: SessionUiStore | undefined;
  let whenPanelShown: (() => void) | undefined;
  const controller: SpotlightController = {
    store,
    ui,
    // Made when first rendered: reading the pins from localStorage is no part of the script's own task.
    get sessionUi() {
      sessionUi ??= createSessionUiStore(pageStorage());
      return sessionUi;
    },
    selectVisibility: createVisibilitySelector(),
    panelShown: () => {
      const shown = whenPanelShown;
      whenPanelShown = undefined;
      shown?.();
    },
    options,
    seenUpTo: -1,
    shortcutLabel: shortcut ? describeShortcut(shortcut, apple) : undefined,
    open(path) {
      if (path !== undefined) ui.navigate(path);
      setOpen(true);
    },
    close: () => setOpen(false),
    navigate: (path) => ui.navigate(path),
    async clear() {
      // The sidecar tells every viewer (`spotlight.clear`); clearing here too keeps this page right when it is down.
      store.clear();
      const response = await sidecarFetch(`${options.sidecarUrl}/clear`, { method: 'DELETE', credentials: 'omit' });
      if (!response.ok) throw new Error(`the sidecar answered ${response.status}`);
    },
    reconnect: () => sse?.reconnect(),
    async exportEnvelopes(ids) {
      const response = await sidecarFetch(`${options.sidecarUrl}/export`, {
        credentials: 'omit',
        ...(ids === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids }) }),
      });
      if (!response.ok) throw new Error(`the sidecar answered ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'spotlight.envelope';
      const url = URL.createObjectURL(await response.blob());
      // A link of this page's document: a download needs no element of the shadow root.
      const link = doc.createElement('a');
      link.href = url;
      link.download = name;
      link.style.display = 'none';
      doc.body.append(link);
      link.click();
      link.remove();
      win.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return Number(response.headers.get('x-spotlight-envelopes') ?? 0);
    },
    async importFiles(files) {
      // Every file is read and checked first: a bad one imports nothing.
      const entries = [];
      for (const file of files) entries.push(...readSessionFile(new Uint8Array(await file.arrayBuffer())));
      let reachable = true;
      for (const entry of entries) {
        if (reachable) {
          try {
            const response = await sidecarFetch(`${options.sidecarUrl}/stream`, {
              method: 'POST',
              credentials: 'omit',
              headers: { 'Content-Type': 'text/plain' },
              body: new Uint8Array(entry.bytes),
            });
            if (!response.ok) throw new Error(`the sidecar answered ${response.status}: ${(await response.text()).trim()}`);
            continue;
          } catch (error) {
            if (!(error instanceof TypeError)) throw error;
            reachable = false; // The sidecar is down: this page shows them alone.
          }
        }
        store.add(toWireEnvelope(parseEnvelope(entry.bytes)));
      }
      store.flush();
      return entries.length;
    },
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (shortcut && matchesShortcut(event, shortcut)) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(!ui.getSnapshot().open);
      return;
    }
    if (event.key === 'Escape' && ui.getSnapshot().open && !options.fullPage && !event.defaultPrevented) {
      setOpen(false);
    }
  };
  // Capture phase: the page's own handlers cannot swallow the shortcut first.
  win.addEventListener('keydown', onKeyDown, true);
  cleanups.push(() => win.removeEventListener('keydown', onKeyDown, true));

  if (options.connectBrowserSdk) cleanups.push(connectSdkBridge({ sidecarUrl: options.sidecarUrl, store, debug: options.debug }));

  // Mounting and connecting each run as a task of their own, after the one that loaded the script: the page
  // that embeds the overlay is not held for their sum at load (see bench/README.md). The handle works before.
  let destroyed = false;
  const inTaskOfItsOwn = (task: () => void): void => {
    const timer = win.setTimeout(() => {
      if (!destroyed) task();
    }, 0);
    cleanups.push(() => win.clearTimeout(timer));
  };
  inTaskOfItsOwn(() => {
    const mount = mountShadowRoot(doc);
    if (options.fullPage) mount.host.setAttribute('data-full-page', '');
    const root: Root = createRoot(mount.container);
    root.render(createElement(App, { controller }));
    cleanups.push(() => {
      root.unmount();
      mount.remove();
    });
  });
  const connect = () => {
    sse = connectSse({
      url: `${options.sidecarUrl}/stream`,
      fetch: sidecarFetch,
      onEnvelope: (envelope, id) => store.add(envelope, id),
      onClear: () => store.clear(),
      onConnection: (state) => {
        store.setConnection(state);
        log(options, `connection ${state.status}${state.error ? `: ${state.error}` : ''}`);
      },
      onFrameError: (error) => log(options, 'skipped a frame:', error.message),
    });
    cleanups.push(() => sse?.close());
  };
  // Open at load (full page, openOnInit): the panel is rendered first, empty, so that its views follow the
  // replay from its first envelope instead of deriving all of it in one render when the panel shows up.
  if (ui.getSnapshot().open) {
    loadPanel().catch(() => {});
    whenPanelShown = () => inTaskOfItsOwn(connect);
    // A panel that cannot load (its chunk missing) must not keep the overlay from connecting.
    const fallback = win.setTimeout(() => controller.panelShown?.(), PANEL_WAIT_MS);
    cleanups.push(() => win.clearTimeout(fallback));
  } else inTaskOfItsOwn(connect);

  return {
    sidecarUrl: options.sidecarUrl,
    open: (path) => controller.open(path),
    close: () => controller.close(),
    toggle: () => setOpen(!ui.getSnapshot().open),
    isOpen: () => ui.getSnapshot().open,
    navigate: (path) => ui.navigate(path),
    addEnvelope,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // Last in, first out: React unmounts before its host element goes.
      for (const cleanup of cleanups.reverse()) {
        try {
          cleanup();
        } catch (error) {
          console.warn('[Spotlight] cleanup failed:', error);
        }
      }
      store.destroy();
    },
  };
}
