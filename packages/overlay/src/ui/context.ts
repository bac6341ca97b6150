import { createContext } from 'react';
import type { Store } from '../data/store.ts';
import type { ResolvedOptions } from '../options.ts';
import type { UiStateStore } from './uiState.ts';

/** What the React tree gets from the mounted overlay (see spotlight.ts). */
export interface SpotlightController {
  readonly store: Store;
  readonly ui: UiStateStore;
  readonly options: ResolvedOptions;
  /** Envelopes the user has seen with the overlay open: the trigger's badge counts errors in the others. */
  readonly seenEnvelopeIds: Set<string>;
  /** The toggle shortcut as this platform writes it, e.g. `⌘⇧S`; undefined when turned off. */
  readonly shortcutLabel: string | undefined;
  open(path?: string): void;
  close(): void;
  navigate(path: string): void;
  /** Empties this page's store and the sidecar's buffer (`DELETE /clear`). */
  clear(): Promise<void>;
  /**
   * Downloads a session file (`GET /export`, or `POST /export` of these envelope ids) of what the
   * sidecar holds; resolves with how many envelopes it has.
   */
  exportEnvelopes(ids?: readonly string[]): Promise<number>;
  /**
   * Loads session files (or single envelope files) into the sidecar, so every viewer shows them; into
   * this page alone when the sidecar cannot be reached. Resolves with how many envelopes were loaded.
   */
  importFiles(files: readonly Blob[]): Promise<number>;
  reconnect(): void;
}

export const SpotlightContext = createContext<SpotlightController | null>(null);
