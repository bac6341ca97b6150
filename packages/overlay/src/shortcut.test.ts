import { describe, expect, it } from 'vitest';
import { describeShortcut, isApplePlatform, type KeyLike, matchesShortcut, parseShortcut, type Shortcut } from './shortcut.ts';

function parsed(text: string, apple: boolean): Shortcut {
  const shortcut = parseShortcut(text, apple);
  if (!shortcut) throw new Error(`${text} did not parse`);
  return shortcut;
}

const key = (code: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  code,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('maps mod to Cmd on Apple platforms and Ctrl elsewhere', () => {
    const mac = parseShortcut('mod+shift+s', true);
    const pc = parseShortcut('mod+shift+s', false);
    expect(mac).toEqual({ code: 'KeyS', ctrl: false, meta: true, shift: true, alt: false });
    expect(pc).toEqual({ code: 'KeyS', ctrl: true, meta: false, shift: true, alt: false });
    expect(describeShortcut(parsed('mod+shift+s', true), true)).toBe('⇧⌘S');
    expect(describeShortcut(parsed('mod+shift+s', false), false)).toBe('Ctrl+Shift+S');
  });

  it('matches exactly the modifiers asked for', () => {
    const shortcut = parsed('mod+shift+s', false);
    expect(matchesShortcut(key('KeyS', { ctrlKey: true, shiftKey: true }), shortcut)).toBe(true);
    expect(matchesShortcut(key('KeyS', { ctrlKey: true }), shortcut)).toBe(false);
    expect(matchesShortcut(key('KeyS', { ctrlKey: true, shiftKey: true, altKey: true }), shortcut)).toBe(false);
    expect(matchesShortcut(key('KeyD', { ctrlKey: true, shiftKey: true }), shortcut)).toBe(false);
  });

  it('parses other keys and refuses nonsense', () => {
    expect(parseShortcut('ctrl+alt+.', false)?.code).toBe('Period');
    expect(parseShortcut('meta+F2', false)).toEqual({ code: 'F2', ctrl: false, meta: true, shift: false, alt: false });
    expect(parseShortcut('ctrl+7', false)?.code).toBe('Digit7');
    expect(parseShortcut('hyper+s', false)).toBeUndefined();
    expect(parseShortcut('ctrl+', false)).toBeUndefined();
    expect(parseShortcut('ctrl+shift+§', false)).toBeUndefined();
  });

  it('recognizes Apple platforms', () => {
    expect(isApplePlatform('MacIntel')).toBe(true);
    expect(isApplePlatform('iPhone')).toBe(true);
    expect(isApplePlatform('Linux x86_64')).toBe(false);
    expect(isApplePlatform('Win32')).toBe(false);
  });
});
