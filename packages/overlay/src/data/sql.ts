// SQL statements as one shape per query: the same statement with other values is the same query.
// A small scanner rather than a SQL parser: descriptions come from every dialect and ORM, often cut
// short by the SDK, and a statement that fails to parse must still group.

/** Longest statement normalized; longer ones are cut (SDKs send whole bulk inserts). */
const MAX_STATEMENT = 20_000;

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;

/** A value in a list: a replaced literal, a bind placeholder (`?`, `$1`, `:name`, `@p1`, `%s`, `%(name)s`), NULL, DEFAULT or a boolean. */
const PLACEHOLDER = String.raw`(?:\?|\$\d+|:[A-Za-z_]\w*|@[A-Za-z_]\w*|%s|%\([A-Za-z_]\w*\)s|null\b|default\b|true\b|false\b)`;
const LIST_OF_PLACEHOLDERS = new RegExp(String.raw`\(\s*${PLACEHOLDER}(?:\s*,\s*${PLACEHOLDER})*\s*\)`, 'g');
const IN_LIST = new RegExp(String.raw`\b(in)\s*\(\s*${PLACEHOLDER}(?:\s*,\s*${PLACEHOLDER})*\s*\)`, 'gi');
const VALUES_ROWS = new RegExp(String.raw`\b(values)\s*${LIST_OF_PLACEHOLDERS.source}(?:\s*,\s*${LIST_OF_PLACEHOLDERS.source})*`, 'gi');

/**
 * The statement with its values replaced: string, number, hex and dollar-quoted literals become `?`,
 * `IN (...)` lists and `VALUES (...)` rows (of literals or bind placeholders) become `(...)`, comments
 * (sqlcommenter's trace ids among them) go, and runs of whitespace become one space. Identifiers
 * (`"users"`, `` `users` ``, `[users]`, `t1`) and bind placeholders (`$1`, `?`, `:id`) stay as sent.
 */
export function normalizeSql(statement: string): string {
  const text = statement.length > MAX_STATEMENT ? statement.slice(0, MAX_STATEMENT) : statement;
  let out = '';
  let i = 0;
  const n = text.length;
  // Whether the last thing written can be glued to what follows (to keep `a.b` and `x=?` tight).
  let pendingSpace = false;
  const emit = (token: string): void => {
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    out += token;
  };
  while (i < n) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f') {
      pendingSpace = true;
      i += 1;
    } else if (c === '-' && next === '-') {
      i = skipUntil(text, i + 2, '\n');
      pendingSpace = true;
    } else if (c === '#' && !IDENT_PART.test(text[i - 1] ?? ' ') && (next === ' ' || next === undefined)) {
      // MySQL's `# comment` (a `#` glued to a word is part of it, e.g. MSSQL's `#temp`).
      i = skipUntil(text, i + 1, '\n');
      pendingSpace = true;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      pendingSpace = true;
    } else if (
      c === "'" ||
      ((c === 'E' || c === 'e' || c === 'N' || c === 'n' || c === 'X' || c === 'x' || c === 'B' || c === 'b') &&
        next === "'" &&
        !IDENT_PART.test(text[i - 1] ?? ' '))
    ) {
      // A string literal ('it''s', E'\n', N'unicode', X'ff'): ends at a quote that is not doubled or escaped.
      let j = c === "'" ? i + 1 : i + 2;
      while (j < n) {
        const d = text[j];
        // A backslash escapes in MySQL and in PostgreSQL's E'' strings; elsewhere `'\\'` is rare in queries.
        if (d === '\\') j += 2;
        else if (d === "'" && text[j + 1] === "'") j += 2;
        else if (d === "'") break;
        else j += 1;
      }
      i = j + 1;
      emit('?');
    } else if (c === '"' || c === '`') {
      // A quoted identifier: kept.
      let j = i + 1;
      while (j < n && !(text[j] === c && text[j + 1] !== c)) j += text[j] === c ? 2 : 1;
      emit(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === '[' && /[A-Za-z_]/.test(next ?? '')) {
      // MSSQL's [identifier].
      const end = text.indexOf(']', i);
      const j = end < 0 ? n : end + 1;
      emit(text.slice(i, j));
      i = j;
    } else if (c === '$' && (next === '$' || IDENT_START.test(next ?? ''))) {
      // PostgreSQL dollar quoting: $$text$$ or $tag$text$tag$.
      const tagEnd = text.indexOf('$', i + 1);
      const tag = tagEnd < 0 ? '' : text.slice(i, tagEnd + 1);
      if (tag.length > 0 && /^\$[A-Za-z_]*\$$/.test(tag)) {
        const close = text.indexOf(tag, tagEnd + 1);
        i = close < 0 ? n : close + tag.length;
        emit('?');
      } else {
        emit(c);
        i += 1;
      }
    } else if (c === '$' && DIGIT.test(next ?? '')) {
      // A positional bind placeholder ($1): kept.
      let j = i + 1;
      while (j < n && DIGIT.test(text[j] as string)) j += 1;
      emit(text.slice(i, j));
      i = j;
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(next ?? ''))) {
      let j = i;
      if (c === '0' && (next === 'x' || next === 'X')) {
        j += 2;
        while (j < n && /[0-9a-fA-F]/.test(text[j] as string)) j += 1;
      } else {
        while (j < n && /[0-9.]/.test(text[j] as string)) j += 1;
        if ((text[j] === 'e' || text[j] === 'E') && /[-+0-9]/.test(text[j + 1] ?? '')) {
          j += 2;
          while (j < n && DIGIT.test(text[j] as string)) j += 1;
        }
      }
      // A negative number: the minus belongs to the literal when it follows an operator or an opening.
      if (out.endsWith('-') && /(^|[=<>(,+*/]|\s)-$/.test(out.slice(-2)) && !pendingSpace) out = out.slice(0, -1);
      emit('?');
      i = j;
    } else if (IDENT_START.test(c) || c === '@' || c === ':' || c === '#') {
      let j = i + 1;
      while (j < n && IDENT_PART.test(text[j] as string)) j += 1;
      emit(text.slice(i, j));
      i = j;
    } else {
      // Punctuation and operators: spaced as sent, except none before `.,);` or after `.(`, one after `,`.
      if (c === '.' || c === ',' || c === ')' || c === ';') pendingSpace = false;
      emit(c);
      pendingSpace = c === ',';
      i += 1;
    }
  }
  return out.replace(IN_LIST, '$1 (...)').replace(VALUES_ROWS, '$1 (...)').replace(/;+$/, '').trim();
}

function skipUntil(text: string, from: number, stop: string): number {
  const at = text.indexOf(stop, from);
  return at < 0 ? text.length : at + 1;
}

/** The first keyword of a statement, upper-cased (`SELECT`, `INSERT`, ...), for a short label. */
export function sqlVerb(statement: string): string | undefined {
  const match = /^\s*(?:\/\*.*?\*\/\s*)*(?:with\b[\s\S]*?\)\s*)?([A-Za-z]+)/i.exec(statement);
  return match?.[1]?.toUpperCase();
}
