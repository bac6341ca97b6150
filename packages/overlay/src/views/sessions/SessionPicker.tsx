import { SessionSelect } from './SessionSelect.tsx';
import { useSessionView } from './useSessions.ts';

/** The session selector wired to the overlay's state: drop it into any view's toolbar. */
export function SessionPicker() {
  const session = useSessionView();
  return <SessionSelect sessions={session.sessions} selection={session.selection} traces={session.heads} onSelect={session.ui.select} />;
}
