import { type ReactNode, useDeferredValue, useMemo, useState } from 'react';

/**
 * The filter box, toolbar and count line that the issue, trace and log lists share: a row matches when
 * every word typed occurs in one of its texts, in any case.
 */

/** The words of a filter query, lowercased; none when it is blank. */
export function filterWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether every word occurs in one of the texts (words already lowercased, as `filterWords` gives them). */
export function matchesWords(texts: readonly (string | undefined)[], words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = texts.filter(Boolean).join('\n').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * A list's filter query. The words follow the typed text through `useDeferredValue`, so typing stays
 * responsive while a long list filters; `shown` is the deferred text, for "nothing matches" lines.
 */
export function useListFilter(): { query: string; setQuery: (query: string) => void; shown: string; words: readonly string[] } {
  const [query, setQuery] = useState('');
  const shown = useDeferredValue(query.trim());
  // One array per query: lists filter in a memo keyed on it, and re-render on every scroll frame.
  const words = useMemo(() => filterWords(shown), [shown]);
  return { query, setQuery, shown, words };
}

/** The bar above a list: its controls (session selector, filters), then its count at the far end. */
export function ListToolbar({ children }: { children: ReactNode }) {
  return <div className="flex shrink-0 items-center gap-3 border-b border-line px-5 py-2">{children}</div>;
}

export function FilterInput({
  testId,
  label,
  value,
  onChange,
  widthClass,
}: {
  testId: string;
  /** The accessible name, also the placeholder: "Filter issues". */
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Tailwind width classes: the lists give it more or less room beside their other controls. */
  widthClass: string;
}) {
  return (
    <input
      type="search"
      data-testid={testId}
      aria-label={label}
      placeholder={`${label}…`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className={`h-7 ${widthClass} rounded-md border border-line bg-surface-0 px-2.5 text-[12.5px] text-fg placeholder:text-fg-faint focus:border-accent/70 focus:outline-none`}
    />
  );
}

/** "3 of 40 issues", or "40 issues" when nothing is filtered out, then `children` (" · 52 events"). */
export function ListCount({
  testId,
  shown,
  total,
  noun,
  children,
}: {
  testId: string;
  shown: number;
  total: number;
  /** Singular and plural. */
  noun: readonly [string, string];
  children?: ReactNode;
}) {
  return (
    <span data-testid={testId} className="ml-auto text-xs text-fg-faint tabular-nums">
      {shown === total ? '' : `${shown} of `}
      {total} {total === 1 ? noun[0] : noun[1]}
      {children}
    </span>
  );
}
