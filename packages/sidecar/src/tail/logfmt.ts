import { jsonFields } from './json.ts';
import type { TailRecord } from './records.ts';

/** A logfmt value: bare when it is a plain token, else quoted with `"` and `\` escaped and line breaks as `\n`. */
function value(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? '');
  if (text !== '' && /^[^\s"=\\]+$/.test(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** `time=... type=error level=error service="node · api" message="Error: boom" ...`: the JSON format's fields, attributes as `attr.<key>`. */
export function formatLogfmt(record: TailRecord): string {
  const pairs: string[] = [];
  for (const [key, raw] of Object.entries(jsonFields(record))) {
    if (key === 'attributes') {
      for (const [name, attribute] of Object.entries(raw as Record<string, unknown>))
        pairs.push(`attr.${name.replace(/[\s="]/g, '_')}=${value(attribute)}`);
    } else pairs.push(`${key}=${value(raw)}`);
  }
  return pairs.join(' ');
}
