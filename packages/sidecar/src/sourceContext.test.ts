import { describe, expect, it } from 'vitest';
import { contextOf, MAX_LINE, snipLine, splitLines } from './sourceContext.ts';

describe('contextOf', () => {
  const lines = splitLines('l1\r\nl2\nl3\rl4\nl5\nl6\nl7\nl8');

  it('gives five lines either side, fewer at the edges of the file', () => {
    expect(contextOf(lines, 6)).toEqual({ pre_context: ['l1', 'l2', 'l3', 'l4', 'l5'], context_line: 'l6', post_context: ['l7', 'l8'] });
    expect(contextOf(lines, 1)).toEqual({ pre_context: [], context_line: 'l1', post_context: ['l2', 'l3', 'l4', 'l5', 'l6'] });
  });

  it('has none for a line the file does not have', () => {
    expect(contextOf(lines, 0)).toBeUndefined();
    expect(contextOf(lines, 9)).toBeUndefined();
    expect(contextOf(lines, 1.5)).toBeUndefined();
  });
});

describe('snipLine', () => {
  it('keeps short lines, and cuts a minified line to a window around the column', () => {
    expect(snipLine('short')).toBe('short');
    const long = `${'a'.repeat(500)}THROW${'b'.repeat(500)}`;
    const snipped = snipLine(long, 501);
    expect(snipped).toContain('THROW');
    expect(snipped.startsWith('{snip} ')).toBe(true);
    expect(snipped.endsWith(' {snip}')).toBe(true);
    expect(snipped.length).toBe(MAX_LINE + '{snip} '.length + ' {snip}'.length);
    expect(snipLine(long, 1).startsWith('aaa')).toBe(true);
  });
});
