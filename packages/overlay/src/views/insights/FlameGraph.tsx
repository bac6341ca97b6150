import { useMemo, useState } from 'react';
import type { FlameNode, FunctionRow, ProfileSlice } from '../../data/profiles.ts';
import { formatDuration } from '../traces/duration.ts';

const ROW = 20;
/** Frames narrower than this share of the focused width are not drawn (they would be slivers). */
const MIN_SHARE = 0.002;

interface Box {
  readonly node: FlameNode;
  readonly depth: number;
  /** Share of the focused node's time, 0..1. */
  readonly left: number;
  readonly width: number;
}

function layout(focus: FlameNode): { boxes: Box[]; depth: number } {
  const boxes: Box[] = [];
  let maxDepth = 0;
  const total = Math.max(focus.totalMs, 1e-9);
  const stack: Box[] = [{ node: focus, depth: 0, left: 0, width: 1 }];
  while (stack.length > 0) {
    const box = stack.pop() as Box;
    boxes.push(box);
    maxDepth = Math.max(maxDepth, box.depth);
    let left = box.left;
    for (const child of box.node.children) {
      const width = child.totalMs / total;
      if (width >= MIN_SHARE) stack.push({ node: child, depth: box.depth + 1, left, width });
      left += width;
    }
  }
  return { boxes, depth: maxDepth + 1 };
}

function color(node: FlameNode): string {
  if (node.frame.name === 'all') return 'bg-surface-3 text-fg-muted';
  return node.frame.inApp ? 'bg-orange-500/70 text-white' : 'bg-sky-700/60 text-sky-50';
}

/** Flame graph (outermost frame on top) of a profile slice; clicking a frame zooms to it. */
export function FlameGraph({ slice }: { slice: ProfileSlice }) {
  const [focus, setFocus] = useState<FlameNode>(slice.root);
  const current = findIn(slice.root, focus) ? focus : slice.root;
  const { boxes, depth } = useMemo(() => layout(current), [current]);
  return (
    <div data-testid="flame-graph" className="relative w-full overflow-hidden" style={{ height: depth * ROW }}>
      {boxes.map((box) => (
        <button
          type="button"
          key={`${box.depth}:${box.left}:${box.node.frame.key}`}
          data-testid="flame-node"
          data-name={box.node.frame.name}
          title={`${box.node.frame.name}${box.node.frame.file ? ` — ${box.node.frame.file}${box.node.frame.line !== undefined ? `:${box.node.frame.line}` : ''}` : ''}\n${formatDuration(box.node.totalMs)} (self ${formatDuration(box.node.selfMs)})`}
          onClick={() => setFocus(box.node === current ? slice.root : box.node)}
          className={`absolute truncate rounded-[2px] border border-surface-1 px-1 text-left font-mono text-[11px] leading-[18px] ${color(box.node)} hover:brightness-125`}
          style={{ top: box.depth * ROW, left: `${box.left * 100}%`, width: `${box.width * 100}%`, height: ROW - 1 }}
        >
          {box.node.frame.name}
        </button>
      ))}
    </div>
  );
}

function findIn(root: FlameNode, target: FlameNode): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as FlameNode;
    if (node === target) return true;
    stack.push(...node.children);
  }
  return false;
}

/** Functions by self time: where the CPU was. */
export function FunctionTable({ rows, total }: { rows: readonly FunctionRow[]; total: number }) {
  return (
    <table data-testid="function-table" className="w-full text-[12px]">
      <thead className="text-[11px] tracking-wider text-fg-faint uppercase">
        <tr>
          <th className="px-4 py-1.5 text-left font-medium">Function</th>
          <th className="px-2 py-1.5 text-right font-medium">Self</th>
          <th className="px-3 py-1.5 text-right font-medium">Total</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 200).map((row) => (
          <tr key={row.frame.key} data-testid="function-row" data-name={row.frame.name} className="border-t border-line/40">
            <td className="max-w-0 px-4 py-1">
              <div className={`truncate font-mono ${row.frame.inApp ? 'text-fg' : 'text-fg-muted'}`}>{row.frame.name}</div>
              <div className="truncate font-mono text-[11px] text-fg-faint" title={row.frame.file}>
                {row.frame.file ?? ''}
                {row.frame.file !== undefined && row.frame.line !== undefined ? `:${row.frame.line}` : ''}
              </div>
            </td>
            <td className="px-2 py-1 text-right font-mono whitespace-nowrap tabular-nums">
              {formatDuration(row.selfMs)} <span className="text-fg-faint">{((row.selfMs / Math.max(total, 1e-9)) * 100).toFixed(0)}%</span>
            </td>
            <td className="px-3 py-1 text-right font-mono text-fg-muted tabular-nums">{formatDuration(row.totalMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
