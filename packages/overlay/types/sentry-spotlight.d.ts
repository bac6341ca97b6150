// Public types of `sentry-spotlight`, shipped as dist/sentry-spotlight.d.ts. Kept by hand so they do not
// depend on the private workspace packages; src/publicTypes.check.ts makes tsc prove that the
// implementation (src/index.ts) matches them.

/** An envelope as the overlay keeps it: `[header, [[itemHeader, payload], ...]]`. */
export type WireEnvelope = [
  header: { [key: string]: unknown },
  items: [itemHeader: { type: string; [key: string]: unknown }, payload: unknown][],
];

/** An envelope to preload: raw envelope bytes or text, an SSE frame's JSON, or a decoded envelope. */
export type InitialEvent = string | Uint8Array | WireEnvelope;

/** Where the trigger button sits. */
export type Anchor = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' | 'center-right' | 'center-left';

export declare const ANCHORS: readonly Anchor[];
export declare const DEFAULT_SIDECAR_URL = 'http://localhost:8969';

export interface SpotlightOptions {
  /** The sidecar's base URL. Default: the origin that served /assets/main.js, else http://localhost:8969. */
  sidecarUrl?: string;
  /** Trigger button position. Default `bottom-right`. */
  anchor?: Anchor;
  /** Show the floating trigger button. Default true. */
  showTriggerButton?: boolean;
  /** Fill the window, always open, no trigger. Default false. */
  fullPage?: boolean;
  /** The route shown first, e.g. `/errors` or `/traces`. Default `/errors`. */
  startFrom?: string;
  /** Open right away. Default false (true in full-page mode). */
  openOnInit?: boolean;
  /** Envelopes to show before (or without) a sidecar. */
  initialEvents?: readonly InitialEvent[];
  /** Most envelopes kept in the page. Default 10,000. */
  maxEnvelopes?: number;
  /** Toggle shortcut, e.g. `mod+shift+s` (⌘ on macOS, Ctrl elsewhere); false turns it off. */
  shortcut?: string | false;
  /** Connect the page's Sentry browser SDK to the sidecar. Default true. */
  connectBrowserSdk?: boolean;
  /** Log connection changes and skipped frames. Default false. */
  debug?: boolean;
}

export interface SpotlightHandle {
  open(path?: string): void;
  close(): void;
  toggle(): void;
  isOpen(): boolean;
  navigate(path: string): void;
  /** Adds an envelope as if the sidecar had sent it; false when it was already there or unreadable. */
  addEnvelope(envelope: InitialEvent, id?: string): boolean;
  /** Removes every element, listener, timer and connection the overlay made. */
  destroy(): void;
  readonly sidecarUrl: string;
}

/** One stored envelope. */
export interface StoredEnvelope {
  readonly id: string;
  readonly receivedAt: number;
  readonly envelope: WireEnvelope;
}

/** Mounts the overlay once per page; later calls return the same handle. */
export declare function init(options?: SpotlightOptions): SpotlightHandle;
export declare function getHandle(): SpotlightHandle | undefined;
export declare function open(path?: string): void;
export declare function close(): void;
export declare function destroy(): void;
/**
 * For pages without a DSN: add to `Sentry.init({ integrations: [...] })`. The SDK then sets its
 * integrations up (browser tracing, trace propagation) and sends everything to the sidecar, nowhere else.
 */
export declare function spotlightBrowserIntegration(options?: {
  sidecarUrl?: string;
  onTraceIds?: (traceIds: ReadonlySet<string>) => void;
  waitForClientMs?: number;
  fetch?: typeof fetch;
  maxInFlight?: number;
  maxQueued?: number;
}): { readonly name: string; setup(client: never): void };
