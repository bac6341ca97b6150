import type { WireEnvelope } from '@spotlight/envelope';
import { type InsightOptions, resolveInsightOptions } from './data/queries.ts';

/** Where the trigger button sits: the four corners and the middle of the left and right edges. */
export type Anchor = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' | 'center-right' | 'center-left';

export const ANCHORS: readonly Anchor[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left', 'center-right', 'center-left'];

/** An envelope to show before the sidecar's: the raw envelope (text or bytes), an SSE frame's data, or a decoded one. */
export type InitialEvent = string | Uint8Array | WireEnvelope;

export interface SpotlightOptions {
  /** The sidecar's base URL. Default: the origin that served the script when that is the sidecar, else http://localhost:8969. */
  sidecarUrl?: string;
  /** Trigger button position. Default `bottom-right`. */
  anchor?: Anchor;
  /** Show the floating trigger button. Default true (false: open with the shortcut or `open()`). */
  showTriggerButton?: boolean;
  /** Fill the window, always open, no trigger: the standalone debugger. Default false. */
  fullPage?: boolean;
  /** The route shown first, e.g. `/errors` or `/traces`. Default `/errors`. */
  startFrom?: string;
  /** Open the overlay right away. Default false (true in full-page mode). */
  openOnInit?: boolean;
  /** Envelopes to show before (or without) a sidecar. */
  initialEvents?: readonly InitialEvent[];
  /** Most envelopes kept in the page; the oldest are dropped beyond it. Default 10,000. */
  maxEnvelopes?: number;
  /** Toggle shortcut, e.g. `mod+shift+s` (mod: ⌘ on macOS, Ctrl elsewhere); false turns it off. Default `mod+shift+s`. */
  shortcut?: string | false;
  /** Call the browser SDK bridge so this page's Sentry SDK reports to the sidecar and the session is known. Default true. */
  connectBrowserSdk?: boolean;
  /** Log connection changes and bad frames to the console. Default false. */
  debug?: boolean;
  /**
   * Insights thresholds: `nPlusOneMin` (the same query this many times under one span is an N+1,
   * default 5), `slowQueryMs` (default 100), `repeatedCallMin` (the same request this many times in a
   * trace, default 5).
   */
  insights?: Partial<InsightOptions>;
}

export interface ResolvedOptions {
  readonly sidecarUrl: string;
  readonly anchor: Anchor;
  readonly showTriggerButton: boolean;
  readonly fullPage: boolean;
  readonly startFrom: string;
  readonly openOnInit: boolean;
  readonly initialEvents: readonly InitialEvent[];
  readonly maxEnvelopes: number;
  readonly shortcut: string | false;
  readonly connectBrowserSdk: boolean;
  readonly debug: boolean;
  readonly insights: InsightOptions;
  /** Problems with the options given, reported once on the console. */
  readonly warnings: readonly string[];
}

export const DEFAULT_SIDECAR_URL = 'http://localhost:8969';
export const DEFAULT_SHORTCUT = 'mod+shift+s';
export const DEFAULT_ROUTE = '/errors';

/** Spotlight 2's camelCase anchors still work. */
const ANCHOR_ALIASES: Readonly<Record<string, Anchor>> = {
  bottomRight: 'bottom-right',
  bottomLeft: 'bottom-left',
  topRight: 'top-right',
  topLeft: 'top-left',
  centerRight: 'center-right',
  centerLeft: 'center-left',
};

/** `http://localhost:8969/` and `http://localhost:8969/stream` both mean `http://localhost:8969`. */
export function normalizeSidecarUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const path = url.pathname.replace(/\/+$/, '').replace(/\/stream$/, '');
  return `${url.origin}${path}`;
}

export function normalizeRoute(route: string | undefined): string {
  if (route === undefined) return DEFAULT_ROUTE;
  const trimmed = route.trim().replace(/^#/, '');
  if (trimmed.length === 0 || trimmed === '/') return DEFAULT_ROUTE;
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function isInitialEvent(value: unknown): value is InitialEvent {
  return typeof value === 'string' || value instanceof Uint8Array || (Array.isArray(value) && value.length === 2);
}

/**
 * Merges the options given to `init()` over those seeded in `window.__spotlight.initOptions`, checks
 * them and fills in defaults. `scriptSidecarUrl` is the sidecar that served this script, when it was one.
 */
export function resolveOptions(given: SpotlightOptions = {}, seeded: unknown = undefined, scriptSidecarUrl?: string): ResolvedOptions {
  const seed = typeof seeded === 'object' && seeded !== null ? (seeded as SpotlightOptions) : {};
  const options: SpotlightOptions = { ...seed, ...given };
  const warnings: string[] = [];

  let sidecarUrl: string | undefined;
  if (options.sidecarUrl !== undefined) {
    sidecarUrl = typeof options.sidecarUrl === 'string' ? normalizeSidecarUrl(options.sidecarUrl) : undefined;
    if (sidecarUrl === undefined)
      warnings.push(`sidecarUrl ${JSON.stringify(options.sidecarUrl)} is not an http(s) URL; using the default`);
  }
  sidecarUrl ??= (scriptSidecarUrl !== undefined ? normalizeSidecarUrl(scriptSidecarUrl) : undefined) ?? DEFAULT_SIDECAR_URL;

  let anchor: Anchor = 'bottom-right';
  if (options.anchor !== undefined) {
    const named = ANCHORS.includes(options.anchor) ? options.anchor : ANCHOR_ALIASES[options.anchor];
    if (named) anchor = named;
    else warnings.push(`anchor ${JSON.stringify(options.anchor)} is not one of ${ANCHORS.join(', ')}`);
  }

  let maxEnvelopes = 10_000;
  if (options.maxEnvelopes !== undefined) {
    if (typeof options.maxEnvelopes === 'number' && Number.isFinite(options.maxEnvelopes) && options.maxEnvelopes >= 1) {
      maxEnvelopes = Math.floor(options.maxEnvelopes);
    } else {
      warnings.push(`maxEnvelopes must be a number of at least 1`);
    }
  }

  const initialEvents = Array.isArray(options.initialEvents) ? options.initialEvents.filter(isInitialEvent) : [];
  if (Array.isArray(options.initialEvents) && initialEvents.length !== options.initialEvents.length) {
    warnings.push(
      `${options.initialEvents.length - initialEvents.length} initialEvents were neither envelope text, bytes nor [header, items]`,
    );
  }

  const fullPage = options.fullPage === true;
  return {
    sidecarUrl,
    anchor,
    showTriggerButton: !fullPage && options.showTriggerButton !== false,
    fullPage,
    insights: resolveInsightOptions(typeof options.insights === 'object' && options.insights !== null ? options.insights : undefined),
    startFrom: normalizeRoute(typeof options.startFrom === 'string' ? options.startFrom : undefined),
    openOnInit: fullPage || options.openOnInit === true,
    initialEvents,
    maxEnvelopes,
    shortcut: options.shortcut === false ? false : typeof options.shortcut === 'string' ? options.shortcut : DEFAULT_SHORTCUT,
    connectBrowserSdk: options.connectBrowserSdk !== false,
    debug: options.debug === true,
    warnings,
  };
}
