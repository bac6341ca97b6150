import { useState } from 'react';
import type { ExceptionValue, Frame } from '../../data/errorEvent.ts';
import { framePath, isInAppFrame, shortenPath } from '../../data/paths.ts';
import { AnsiText, Chevron, Chip, KeyValueTable } from '../../ui/components.tsx';

function hasDetails(frame: Frame): boolean {
  return frame.context_line !== undefined || (frame.vars !== undefined && Object.keys(frame.vars).length > 0);
}

function SourceContext({ frame }: { frame: Frame }) {
  const pre = frame.pre_context ?? [];
  const post = frame.post_context ?? [];
  const lineno = frame.lineno;
  const first = lineno !== undefined ? lineno - pre.length : undefined;
  const lines: { text: string; current: boolean }[] = [
    ...pre.map((text) => ({ text, current: false })),
    ...(frame.context_line !== undefined ? [{ text: frame.context_line, current: true }] : []),
    ...post.map((text) => ({ text, current: false })),
  ];
  return (
    <div data-testid="frame-context" className="spotlight-scroll overflow-x-auto bg-surface-0/80 py-1 font-mono text-[12px] leading-[1.6]">
      <table className="min-w-full border-collapse">
        <tbody>
          {lines.map((line, i) => (
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: source lines are positional.
              key={i}
              data-current={line.current ? '' : undefined}
              className={line.current ? 'bg-red-500/12 text-fg' : 'text-fg-muted'}
            >
              <td
                className={`w-px border-r px-3 text-right whitespace-nowrap select-none ${line.current ? 'border-red-400 text-red-300' : 'border-line text-fg-faint'}`}
              >
                {first !== undefined ? first + i : ''}
              </td>
              <td className="px-3 whitespace-pre">{line.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FrameRow({ frame, appRoot, defaultOpen }: { frame: Frame; appRoot: string | undefined; defaultOpen: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const inApp = isInAppFrame(frame);
  const path = framePath(frame);
  const shown = path !== undefined ? shortenPath(path, appRoot) : (frame.module ?? '<unknown>');
  const expandable = hasDetails(frame);
  const location = frame.lineno !== undefined ? `${frame.lineno}${frame.colno !== undefined ? `:${frame.colno}` : ''}` : undefined;
  return (
    <li
      data-testid="frame"
      data-in-app={inApp ? 'true' : 'false'}
      className={`border-t border-line/70 first:border-t-0 ${inApp ? '' : 'bg-surface-0/30'}`}
    >
      <button
        type="button"
        disabled={!expandable}
        aria-expanded={expandable ? open : undefined}
        onClick={() => setOpen(!open)}
        className="flex w-full min-w-0 items-center gap-2 px-3 py-1.5 text-left font-mono text-[12px] enabled:hover:bg-surface-3/50"
      >
        <span className="w-3 shrink-0 text-fg-faint">{expandable && <Chevron open={open} />}</span>
        <span className="min-w-0 truncate">
          <span data-testid="frame-path" title={path} className={inApp ? 'font-semibold text-fg' : 'text-fg-muted'}>
            {shown}
          </span>
          {frame.function !== undefined && frame.function !== '?' && (
            <>
              <span className="text-fg-faint"> in </span>
              <span data-testid="frame-function" className={inApp ? 'text-amber-200' : 'text-fg-muted'}>
                {frame.function}
              </span>
            </>
          )}
          {location !== undefined && <span className="text-fg-faint"> at line {location}</span>}
        </span>
        {inApp && (
          <span className="ml-auto shrink-0 rounded bg-accent/15 px-1.5 text-[10px] font-sans font-medium tracking-wide text-accent uppercase">
            app
          </span>
        )}
      </button>
      {open && expandable && (
        <div className="pb-2">
          {frame.context_line !== undefined && <SourceContext frame={frame} />}
          {frame.vars !== undefined && Object.keys(frame.vars).length > 0 && (
            <div className="mx-3 mt-2 rounded border border-line bg-surface-0/60 px-3 py-1.5">
              <KeyValueTable rows={Object.entries(frame.vars)} testId="frame-vars" />
            </div>
          )}
        </div>
      )}
    </li>
  );
}

function LibraryFrames({ frames, appRoot }: { frames: readonly Frame[]; appRoot: string | undefined }) {
  const [open, setOpen] = useState(false);
  const packages = [
    ...new Set(
      frames.map((f) =>
        shortenPath(framePath(f) ?? f.module ?? '?', appRoot)
          .split('/')
          .slice(0, 2)
          .join('/'),
      ),
    ),
  ];
  if (open) {
    return (
      <>
        {frames.map((frame, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: frames are positional.
          <FrameRow key={i} frame={frame} appRoot={appRoot} defaultOpen={false} />
        ))}
      </>
    );
  }
  return (
    <li className="border-t border-line/70 first:border-t-0">
      <button
        type="button"
        data-testid="library-frames-toggle"
        onClick={() => setOpen(true)}
        className="flex w-full min-w-0 items-center gap-2 bg-surface-0/30 px-3 py-1 text-left text-[11.5px] text-fg-faint hover:bg-surface-3/50 hover:text-fg-muted"
      >
        <span className="w-3 shrink-0">
          <Chevron open={false} />
        </span>
        <span className="shrink-0">
          {frames.length} library {frames.length === 1 ? 'frame' : 'frames'}
        </span>
        <span className="truncate font-mono">{packages.slice(0, 4).join(', ')}</span>
      </button>
    </li>
  );
}

/**
 * A stack, most recent call first. App frames are shown; runs of library frames fold into one row
 * that expands. The frame that threw (the first app frame) opens with its source.
 */
export function StackFrames({ frames, appRoot }: { frames: readonly Frame[]; appRoot: string | undefined }) {
  const ordered = [...frames].reverse();
  const hasInApp = ordered.some(isInAppFrame);
  const firstOpen = hasInApp ? ordered.findIndex((f) => isInAppFrame(f) && hasDetails(f)) : ordered.findIndex(hasDetails);
  const blocks: ({ kind: 'frame'; frame: Frame; index: number } | { kind: 'library'; frames: Frame[]; index: number })[] = [];
  ordered.forEach((frame, index) => {
    // Without any app frame, there is nothing to fold library frames around: show them all.
    if (!hasInApp || isInAppFrame(frame)) {
      blocks.push({ kind: 'frame', frame, index });
      return;
    }
    const last = blocks[blocks.length - 1];
    if (last?.kind === 'library') last.frames.push(frame);
    else blocks.push({ kind: 'library', frames: [frame], index });
  });
  return (
    <ol data-testid="stack-frames" className="overflow-hidden rounded-md border border-line bg-surface-2/40">
      {blocks.map((block) =>
        block.kind === 'frame' ? (
          <FrameRow key={block.index} frame={block.frame} appRoot={appRoot} defaultOpen={block.index === firstOpen} />
        ) : (
          <LibraryFrames key={block.index} frames={block.frames} appRoot={appRoot} />
        ),
      )}
    </ol>
  );
}

function mechanismChips(mechanism: ExceptionValue['mechanism']) {
  if (!mechanism) return null;
  const handled = mechanism.handled;
  return (
    <>
      {handled === false && (
        <span
          className="rounded bg-red-500/15 px-1.5 py-px text-[11px] font-medium text-red-300 ring-1 ring-red-500/30 ring-inset"
          data-testid="unhandled"
        >
          unhandled
        </span>
      )}
      {typeof mechanism.type === 'string' && <Chip title="How the SDK caught it">{mechanism.type}</Chip>}
    </>
  );
}

/** The exception chain, outermost first, each with its stack; the causes follow as "Caused by". */
export function Exceptions({ exceptions, appRoot }: { exceptions: readonly ExceptionValue[]; appRoot: string | undefined }) {
  const ordered = [...exceptions].reverse();
  return (
    <div className="flex flex-col gap-4">
      {ordered.map((ex, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the chain is positional.
        <div key={i} data-testid="exception" className="flex flex-col gap-2">
          {i > 0 && <div className="text-[11px] font-semibold tracking-wider text-fg-faint uppercase">Caused by</div>}
          <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            <span data-testid="exception-type" className="font-mono text-[13px] font-semibold text-red-300">
              {ex.type ?? 'Error'}
            </span>
            {mechanismChips(ex.mechanism)}
          </div>
          {ex.value !== undefined && (
            <pre data-testid="exception-value" className="font-mono text-[12.5px] leading-relaxed break-words whitespace-pre-wrap text-fg">
              <AnsiText text={ex.value} />
            </pre>
          )}
          {ex.frames.length > 0 ? (
            <StackFrames frames={ex.frames} appRoot={appRoot} />
          ) : (
            <p className="text-xs text-fg-faint">No stack trace was sent with this exception.</p>
          )}
        </div>
      ))}
    </div>
  );
}
