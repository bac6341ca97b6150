import type { TailRecord } from './records.ts';

function inline(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

function code(text: string): string {
  return `\`${inline(text).replace(/`/g, "'")}\``;
}

/**
 * One Markdown list item per record, what an agent reads best: the level in bold, the service, the text,
 * and the ids to ask the MCP tools about (get_issue, get_traces).
 */
export function formatMarkdown(record: TailRecord): string {
  const time = new Date(record.time).toISOString();
  const parts = [`- **${(record.type === 'trace' ? 'trace' : record.level).toUpperCase()}** ${time} ${code(record.service)}`];
  if (record.type === 'error') {
    parts.push(`${inline(record.message)}${record.location !== undefined ? ` at ${code(record.location)}` : ''}`);
    parts.push(
      record.count > 1
        ? `(issue ${code(record.issueId)} seen ${record.count}×)`
        : `(issue ${code(record.issueId)}, event ${code(record.eventId)})`,
    );
  } else if (record.type === 'log') {
    parts.push(inline(record.message));
    if (record.traceId !== undefined) parts.push(`(trace ${code(record.traceId.slice(0, 8))})`);
  } else {
    parts.push(
      `${inline(record.message)} · ${Math.round(record.durationMs)} ms · ${record.spanCount} spans${record.status === 'error' ? ' · failed' : ''}`,
    );
    if (record.traceId !== undefined) parts.push(`(trace ${code(record.traceId.slice(0, 8))})`);
  }
  return parts.join(' ');
}
