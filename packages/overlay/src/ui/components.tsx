import { type CSSProperties, type ReactNode, useState } from 'react';
import { type AnsiStyle, hasAnsi, parseAnsi } from '../data/ansi.ts';

// Shared building blocks. Event data is only ever rendered as React text children: never as HTML.

function ansiCss(style: AnsiStyle): CSSProperties {
  const css: CSSProperties = {};
  if (style.fg) css.color = style.fg;
  if (style.bg) css.backgroundColor = style.bg;
  if (style.bold) css.fontWeight = 600;
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = 'italic';
  const lines = [style.underline && 'underline', style.strike && 'line-through'].filter(Boolean).join(' ');
  if (lines) css.textDecoration = lines;
  return css;
}

/** Text that may hold ANSI colour codes: coloured spans, other escapes dropped. */
export function AnsiText({ text }: { text: string }): ReactNode {
  if (!hasAnsi(text)) return text;
  return parseAnsi(text).map((segment, i) =>
    Object.keys(segment.style).length === 0 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity beyond their position.
      <span key={i}>{segment.text}</span>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity beyond their position.
      <span key={i} style={ansiCss(segment.style)} data-ansi="">
        {segment.text}
      </span>
    ),
  );
}

const LEVEL_CLASSES: Readonly<Record<string, string>> = {
  fatal: 'bg-red-500/20 text-red-300 ring-red-500/40',
  error: 'bg-red-500/15 text-red-300 ring-red-500/30',
  warning: 'bg-amber-500/15 text-amber-300 ring-amber-500/30',
  info: 'bg-sky-500/15 text-sky-300 ring-sky-500/30',
  log: 'bg-slate-500/15 text-slate-300 ring-slate-500/30',
  debug: 'bg-slate-500/15 text-slate-400 ring-slate-500/30',
};

export const LEVEL_BAR: Readonly<Record<string, string>> = {
  fatal: 'bg-red-500',
  error: 'bg-red-400',
  warning: 'bg-amber-400',
  info: 'bg-sky-400',
  log: 'bg-slate-400',
  debug: 'bg-slate-500',
};

export function LevelBadge({ level }: { level: string }) {
  return (
    <span
      data-testid="level"
      className={`inline-flex items-center rounded px-1.5 py-px text-[11px] font-medium uppercase tracking-wide ring-1 ring-inset ${LEVEL_CLASSES[level] ?? LEVEL_CLASSES.error}`}
    >
      {level}
    </span>
  );
}

export function Chip({ children, title, testId }: { children: ReactNode; title?: string | undefined; testId?: string }) {
  return (
    <span
      title={title}
      data-testid={testId}
      className="inline-flex max-w-full items-center truncate rounded bg-surface-3 px-1.5 py-px text-[11px] text-fg-muted ring-1 ring-inset ring-line"
    >
      {children}
    </span>
  );
}

/** A titled block of the event detail; `testId` names it for tests (`section-<name>`). */
export function Section({
  title,
  testId,
  children,
  aside,
  defaultOpen = true,
}: {
  title: string;
  testId: string;
  children: ReactNode;
  aside?: ReactNode;
  defaultOpen?: boolean;
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <section data-testid={`section-${testId}`} className="border-b border-line px-5 py-4">
      <header className="mb-2 flex items-center gap-2">
        <button
          type="button"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          className="flex items-center gap-1.5 text-[11px] font-semibold uppercase tracking-wider text-fg-muted hover:text-fg"
        >
          <Chevron open={open} />
          {title}
        </button>
        {aside !== undefined && <div className="ml-auto flex items-center gap-2 text-xs text-fg-faint">{aside}</div>}
      </header>
      {open && children}
    </section>
  );
}

export function Chevron({ open, className = '' }: { open: boolean; className?: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={`size-3 shrink-0 transition-transform ${open ? 'rotate-90' : ''} ${className}`}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <path d="M6 3l5 5-5 5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function Icon({
  name,
  className = 'size-4',
}: {
  name: 'close' | 'trash' | 'left' | 'right' | 'refresh' | 'download' | 'link';
  className?: string;
}) {
  const paths: Record<typeof name, ReactNode> = {
    close: <path d="M4 4l8 8M12 4l-8 8" />,
    trash: <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.5h5.8l.6-8.5M7 7v4M9 7v4" />,
    left: <path d="M10 3L5 8l5 5" />,
    right: <path d="M6 3l5 5-5 5" />,
    refresh: <path d="M13 8a5 5 0 1 1-1.5-3.5M13 3v3h-3" />,
    download: <path d="M8 2.5v8M4.5 7.5L8 11l3.5-3.5M3 13.5h10" />,
    link: <path d="M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 0 1 4.5 9l1-1" />,
  };
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {paths[name]}
    </svg>
  );
}

export function SpotlightLogo({ className = 'size-5' }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className={className} fill="none">
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeWidth="2" opacity="0.35" />
      <circle cx="12" cy="12" r="5" stroke="currentColor" strokeWidth="2" opacity="0.7" />
      <circle cx="12" cy="12" r="1.8" fill="currentColor" />
    </svg>
  );
}

const MAX_JSON_CHARS = 20_000;

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v), 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Long text cut at `limit` characters with a button to show the rest. */
export function LongText({ text, limit = MAX_JSON_CHARS }: { text: string; limit?: number }) {
  const [full, setFull] = useState(false);
  if (full || text.length <= limit) return <AnsiText text={text} />;
  return (
    <>
      <AnsiText text={text.slice(0, limit)} />
      <button type="button" className="ml-1 text-accent hover:underline" onClick={() => setFull(true)}>
        … show {text.length - limit} more characters
      </button>
    </>
  );
}

/** Any JSON value, as text: strings as they are (ANSI coloured), objects pretty-printed. */
export function JsonValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-fg-faint">{String(value)}</span>;
  if (typeof value === 'string') {
    return (
      <span className="whitespace-pre-wrap break-words">
        <LongText text={value} />
      </span>
    );
  }
  if (typeof value === 'number' || typeof value === 'bigint') return <span className="font-mono text-sky-300">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="font-mono text-violet-300">{String(value)}</span>;
  return (
    <pre className="whitespace-pre-wrap break-words font-mono text-[12px] leading-snug text-fg">
      <LongText text={jsonText(value)} />
    </pre>
  );
}

/** Two-column key/value rows. */
export function KeyValueTable({ rows, testId }: { rows: readonly (readonly [string, unknown])[]; testId?: string }) {
  if (rows.length === 0) return <p className="text-fg-faint">Nothing recorded.</p>;
  return (
    <table data-testid={testId} className="w-full table-fixed border-collapse text-[12.5px]">
      <tbody>
        {rows.map(([key, value], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: keys may repeat (headers); rows never reorder.
          <tr key={`${key}:${i}`} className="border-t border-line/60 first:border-t-0 align-top">
            <th scope="row" className="w-44 py-1 pr-3 text-left font-mono font-normal break-words text-fg-muted">
              {key}
            </th>
            <td className="py-1 break-words text-fg">
              <JsonValue value={value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId} className="flex h-full min-h-60 flex-col items-center justify-center gap-2 px-6 text-center">
      <SpotlightLogo className="size-10 text-accent/70" />
      <p className="text-[15px] font-medium text-fg">{title}</p>
      {children !== undefined && <div className="max-w-lg text-fg-muted">{children}</div>}
    </div>
  );
}
