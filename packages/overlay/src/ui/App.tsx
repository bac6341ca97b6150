import { type ComponentType, lazy, Suspense, useContext, useEffect } from 'react';
import type { SpotlightController } from './context.ts';
import { SpotlightContext } from './context.ts';
import { useUiState } from './hooks.ts';
import { Trigger } from './Trigger.tsx';

let panelChunk: Promise<{ default: ComponentType }> | undefined;

/**
 * Loads the panel and its views, a chunk of their own: a page that embeds the overlay closed parses and
 * runs only the trigger's code at load (see bench/README.md). Loaded when the overlay first opens, or
 * right away when it opens at load (see spotlight.ts).
 */
export function loadPanel(): Promise<{ default: ComponentType }> {
  panelChunk ??= import('./Panel.tsx').then((module) => ({ default: module.Panel }));
  return panelChunk;
}

const Panel = lazy(loadPanel);

/** Tells the overlay once the panel is on screen (see `SpotlightController.panelShown`). */
function Shown() {
  const { panelShown } = useContext(SpotlightContext) ?? {};
  useEffect(() => panelShown?.(), [panelShown]);
  return null;
}

function Overlay() {
  const { open } = useUiState();
  return open ? (
    <Suspense fallback={null}>
      <Panel />
      <Shown />
    </Suspense>
  ) : (
    <Trigger />
  );
}

/** The overlay's React root, rendered by spotlight.ts into the shadow root. */
export function App({ controller }: { controller: SpotlightController }) {
  return (
    <SpotlightContext.Provider value={controller}>
      <Overlay />
    </SpotlightContext.Provider>
  );
}
