import { createContext } from 'react';
import type { SpotlightStore } from '../data/index.ts';
import type { visibility } from '../data/sessions.ts';
import type { ResolvedOptions } from '../options.ts';
import type { SessionUiStore } from '../views/sessions/sessionState.ts';
import type { UiStateStore } from './uiState.ts';

/** What the React tree gets from the mounted overlay (see spotlight.ts). Each overlay has its own. */
export interface SpotlightController {
  /** The envelopes and every view derived from them (data/index.ts). */
  readonly store: SpotlightStore;
  readonly ui: UiStateStore;
  /** The session selection and pinned traces, shared by the views and the tabs. */
  readonly sessionUi: SessionUiStore;
  /** `visibility()` memoized for this overlay: the tabs and the view get one object per change. */
  readonly selectVisibility: typeof visibility;
  readonly options: ResolvedOptions;
  /**
   * The arrival number (`store.seqOf`) of the newest envelope the user has seen with the overlay open: the
   * trigger's badge counts the errors that came after it. -1: none yet.
   */
  seenUpTo: number;
  /** Called when the panel is on screen (its chunk loaded, its first render committed). */
  readonly panelShown?: () => void;
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
