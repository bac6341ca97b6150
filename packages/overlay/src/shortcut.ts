/** A parsed keyboard shortcut such as `mod+shift+s`. */
export interface Shortcut {
  /** `KeyboardEvent.code` of the main key, e.g. `KeyS`, `Period`. */
  readonly code: string;
  readonly ctrl: boolean;
  readonly meta: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
}

const NAMED_CODES: Readonly<Record<string, string>> = {
  '.': 'Period',
  ',': 'Comma',
  '/': 'Slash',
  ';': 'Semicolon',
  "'": 'Quote',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '`': 'Backquote',
  '-': 'Minus',
  '=': 'Equal',
  space: 'Space',
  enter: 'Enter',
  escape: 'Escape',
  esc: 'Escape',
};

/** Whether the platform names ⌘ as the primary modifier. */
export function isApplePlatform(platform: string): boolean {
  return /mac|iphone|ipad|ipod/i.test(platform);
}

/**
 * Parses `mod+shift+s` (mod is ⌘ on Apple platforms, Ctrl elsewhere), `ctrl+alt+k`, `meta+.`.
 * Matching uses the physical key (`code`): layouts and Shift do not change it.
 */
export function parseShortcut(text: string, apple: boolean): Shortcut | undefined {
  const parts = text
    .toLowerCase()
    .split('+')
    .map((p) => p.trim());
  // `mod+shift++` names the plus key.
  if (text.endsWith('++')) parts.splice(-2, 2, '+');
  const key = parts.pop();
  if (key === undefined || key.length === 0) return undefined;
  let code: string | undefined;
  if (/^[a-z]$/.test(key)) code = `Key${key.toUpperCase()}`;
  else if (/^[0-9]$/.test(key)) code = `Digit${key}`;
  else if (/^f([1-9]|1[0-9]|2[0-4])$/.test(key)) code = key.toUpperCase();
  else if (key === '+') code = 'Equal';
  else code = NAMED_CODES[key];
  if (code === undefined) return undefined;
  const shortcut = { code, ctrl: false, meta: false, shift: false, alt: false };
  for (const part of parts) {
    if (part === 'mod') {
      if (apple) shortcut.meta = true;
      else shortcut.ctrl = true;
    } else if (part === 'ctrl' || part === 'control') shortcut.ctrl = true;
    else if (part === 'meta' || part === 'cmd' || part === 'command') shortcut.meta = true;
    else if (part === 'shift') shortcut.shift = true;
    else if (part === 'alt' || part === 'option') shortcut.alt = true;
    else return undefined;
  }
  return shortcut;
}

export interface KeyLike {
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

export function matchesShortcut(event: KeyLike, shortcut: Shortcut): boolean {
  return (
    event.code === shortcut.code &&
    event.ctrlKey === shortcut.ctrl &&
    event.metaKey === shortcut.meta &&
    event.shiftKey === shortcut.shift &&
    event.altKey === shortcut.alt
  );
}

/** How the shortcut reads on this platform, e.g. `⌘⇧S` or `Ctrl+Shift+S`. */
export function describeShortcut(shortcut: Shortcut, apple: boolean): string {
  const key = shortcut.code.replace(/^Key|^Digit/, '');
  if (apple) return `${shortcut.ctrl ? '⌃' : ''}${shortcut.alt ? '⌥' : ''}${shortcut.shift ? '⇧' : ''}${shortcut.meta ? '⌘' : ''}${key}`;
  return [shortcut.ctrl && 'Ctrl', shortcut.meta && 'Meta', shortcut.alt && 'Alt', shortcut.shift && 'Shift', key]
    .filter(Boolean)
    .join('+');
}
