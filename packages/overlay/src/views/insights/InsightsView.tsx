import type { ReactNode } from 'react';
import { useNavigate } from '../../ui/hooks.ts';
import type { ViewProps } from '../../ui/views.ts';
import { SessionPicker } from '../sessions/SessionPicker.tsx';
import { FeedbackView } from './FeedbackView.tsx';
import { HttpView } from './HttpView.tsx';
import { LlmView } from './LlmView.tsx';
import { ProfilesView } from './ProfilesView.tsx';
import { QueriesView } from './QueriesView.tsx';
import { VitalsView } from './VitalsView.tsx';

interface Section {
  readonly id: string;
  readonly title: string;
  readonly render: (path: readonly string[]) => ReactNode;
}

const SECTIONS: readonly Section[] = [
  { id: 'queries', title: 'Queries', render: (path) => <QueriesView path={path} /> },
  { id: 'http', title: 'Outgoing HTTP', render: (path) => <HttpView path={path} /> },
  { id: 'vitals', title: 'Web vitals', render: () => <VitalsView /> },
  { id: 'llm', title: 'LLM calls', render: () => <LlmView /> },
  { id: 'profiles', title: 'Profiles', render: (path) => <ProfilesView path={path} /> },
  { id: 'feedback', title: 'Feedback', render: () => <FeedbackView /> },
];

/** Routes: `/insights/<section>[/...]`; `/insights` shows the queries. */
export function InsightsView({ path }: ViewProps) {
  const navigate = useNavigate();
  const [sectionId = 'queries', ...rest] = path;
  const section = SECTIONS.find((s) => s.id === sectionId) ?? (SECTIONS[0] as Section);
  return (
    <div data-testid="insights-view" className="flex h-full min-h-0 flex-col">
      <nav className="flex shrink-0 items-center gap-1 border-b border-line px-3 py-1.5" aria-label="Insights">
        {SECTIONS.map((s) => (
          <button
            key={s.id}
            type="button"
            data-testid={`insights-tab-${s.id}`}
            aria-current={s.id === section.id ? 'page' : undefined}
            onClick={() => navigate(`/insights/${s.id}`)}
            className={`rounded-md px-2.5 py-1 text-[12.5px] ${s.id === section.id ? 'bg-surface-3 text-fg' : 'text-fg-muted hover:bg-surface-2 hover:text-fg'}`}
          >
            {s.title}
          </button>
        ))}
        <div className="ml-auto">
          <SessionPicker />
        </div>
      </nav>
      <div className="relative min-h-0 flex-1">{section.render(rest)}</div>
    </div>
  );
}
