import type { SpotlightController } from './context.ts';
import { SpotlightContext } from './context.ts';
import { useUiState } from './hooks.ts';
import { Panel } from './Panel.tsx';
import { Trigger } from './Trigger.tsx';

function Overlay() {
  const { open } = useUiState();
  return open ? <Panel /> : <Trigger />;
}

/** The overlay's React root, rendered by spotlight.ts into the shadow root. */
export function App({ controller }: { controller: SpotlightController }) {
  return (
    <SpotlightContext.Provider value={controller}>
      <Overlay />
    </SpotlightContext.Provider>
  );
}
