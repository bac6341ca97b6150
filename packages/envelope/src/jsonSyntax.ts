/**
 * Checks that bytes are one JSON text (RFC 8259) without building it: what validating an item's
 * payload needs, since the sidecar passes payloads on as they are. `JSON.parse` would decode the
 * bytes to a string and allocate every object only to throw them away: about half of the sidecar's
 * CPU per envelope, and most of its garbage.
 *
 * Iterative (an explicit stack), so deep nesting cannot overflow the call stack. Bytes of 0x80 and
 * above are accepted inside strings as they are, as `JSON.parse` after a lenient UTF-8 decode
 * accepts them; outside strings only JSON's own ASCII is.
 */

/** Where and why bytes are not JSON. */
export interface JsonSyntaxError {
  /** Byte offset of the first byte that cannot continue a JSON text. */
  readonly at: number;
  readonly reason: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OBJECT = 1;
const ARRAY = 2;

/** Bytes that end the plain run of a string: a quote, a backslash, or a control character. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

const WHITESPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[c] = 1;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Characters allowed after a backslash, `u` apart. */
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;

/** Space, tab, LF or CR: the whitespace JSON allows between tokens. */
export function isJsonWhitespace(c: number): boolean {
  return WHITESPACE[c] === 1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function describe(bytes: Uint8Array, at: number, end: number): string {
  if (at >= end) return 'unexpected end of JSON';
  const c = bytes[at] as number;
  return c >= 0x21 && c < 0x7f
    ? `unexpected ${JSON.stringify(String.fromCharCode(c))}`
    : `unexpected byte 0x${c.toString(16).padStart(2, '0')}`;
}

// The scanners below take a position and return the one after what they read, or a failure at
// byte `at` encoded as `-1 - at`: plain locals and numbers keep the loops tight (no closures, no
// exceptions), which is the point of this module.

function failAt(at: number): number {
  return -1 - at;
}

function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end && WHITESPACE[b[i] as number] === 1) i++;
  return i;
}

/** `i` is at the opening quote. */
function scanString(b: Uint8Array, i: number, end: number): number {
  i++;
  for (;;) {
    while (i < end && STRING_STOP[b[i] as number] === 0) i++;
    if (i >= end) return failAt(i);
    const c = b[i] as number;
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH) return failAt(i); // a raw control character
    if (i + 1 >= end) return failAt(i + 1);
    const escaped = b[i + 1] as number;
    if (ESCAPE[escaped] === 1) i += 2;
    else if (escaped === 0x75) {
      for (let k = i + 2; k < i + 6; k++) if (k >= end || HEX[b[k] as number] !== 1) return failAt(k);
      i += 6;
    } else return failAt(i + 1);
  }
}

function scanDigits(b: Uint8Array, i: number, end: number): number {
  if (i >= end || !isDigit(b[i] as number)) return failAt(i);
  while (i < end && isDigit(b[i] as number)) i++;
  return i;
}

function scanNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d) i++;
  if (i < end && b[i] === 0x30) i++;
  else {
    i = scanDigits(b, i, end);
    if (i < 0) return i;
  }
  if (i < end && b[i] === 0x2e) {
    i = scanDigits(b, i + 1, end);
    if (i < 0) return i;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    i = scanDigits(b, i, end);
  }
  return i;
}

function scanLiteral(b: Uint8Array, i: number, end: number, text: string): number {
  for (let k = 0; k < text.length; k++, i++) if (i >= end || b[i] !== text.charCodeAt(k)) return failAt(i);
  return i;
}

/** A key and its colon, whitespace before each. */
function scanKey(b: Uint8Array, i: number, end: number): number {
  i = skipWhitespace(b, i, end);
  if (i >= end || b[i] !== QUOTE) return failAt(i);
  i = scanString(b, i, end);
  if (i < 0) return i;
  i = skipWhitespace(b, i, end);
  if (i >= end || b[i] !== 0x3a) return failAt(i);
  return i + 1;
}

/**
 * Checks `bytes[start, end)` (default: all of it). Returns undefined when they are exactly one JSON
 * value with optional whitespace around it, else where and why they are not.
 */
export function jsonSyntaxError(bytes: Uint8Array, start = 0, end = bytes.length): JsonSyntaxError | undefined {
  const at = scanJson(bytes, start, end);
  return at < 0 ? undefined : { at, reason: describe(bytes, at, end) };
}

/** -1 when valid, else the offset of the first byte that cannot continue the text. */
function scanJson(b: Uint8Array, start: number, end: number): number {
  const stack: number[] = [];
  let i = start;
  for (;;) {
    // A value.
    i = skipWhitespace(b, i, end);
    if (i >= end) return i;
    const c = b[i] as number;
    if (c === 0x7b) {
      i = skipWhitespace(b, i + 1, end);
      if (i < end && b[i] === 0x7d) i++;
      else {
        stack.push(OBJECT);
        i = scanKey(b, i, end);
        if (i < 0) return -1 - i;
        continue;
      }
    } else if (c === 0x5b) {
      i = skipWhitespace(b, i + 1, end);
      if (i < end && b[i] === 0x5d) i++;
      else {
        stack.push(ARRAY);
        continue;
      }
    } else if (c === QUOTE) i = scanString(b, i, end);
    else if (c === 0x2d || isDigit(c)) i = scanNumber(b, i, end);
    else if (c === 0x74) i = scanLiteral(b, i, end, 'true');
    else if (c === 0x66) i = scanLiteral(b, i, end, 'false');
    else if (c === 0x6e) i = scanLiteral(b, i, end, 'null');
    else return i;
    if (i < 0) return -1 - i;

    // After a value: close containers until one continues with a comma, or the text ends.
    for (;;) {
      i = skipWhitespace(b, i, end);
      const top = stack[stack.length - 1];
      if (top === undefined) return i < end ? i : -1;
      if (i >= end) return i;
      const next = b[i];
      if (next === 0x2c) {
        i++;
        if (top === OBJECT) {
          i = scanKey(b, i, end);
          if (i < 0) return -1 - i;
        }
        break;
      }
      if (next !== (top === OBJECT ? 0x7d : 0x5d)) return i;
      stack.pop();
      i++;
    }
  }
}
