import { describe, expect, it } from 'vitest';
import { color256, parseAnsi, stripAnsi } from './ansi.ts';

const ESC = '\u001b';

describe('parseAnsi', () => {
  it('returns plain text as one unstyled segment', () => {
    expect(parseAnsi('no colour <b>here</b>')).toEqual([{ text: 'no colour <b>here</b>', style: {} }]);
    expect(parseAnsi('')).toEqual([]);
  });

  it('turns basic and bright colours, bold and resets into styles', () => {
    expect(parseAnsi(`${ESC}[31mred${ESC}[0m plain ${ESC}[1;92mbold green${ESC}[22m not bold${ESC}[39m`)).toEqual([
      { text: 'red', style: { fg: '#f87171' } },
      { text: ' plain ', style: {} },
      { text: 'bold green', style: { bold: true, fg: '#86efac' } },
      { text: ' not bold', style: { fg: '#86efac' } },
    ]);
  });

  it('reads 256-colour and true-colour codes, foreground and background', () => {
    expect(parseAnsi(`${ESC}[38;5;196mA${ESC}[48;2;10;20;30mB${ESC}[m`)).toEqual([
      { text: 'A', style: { fg: '#ff0000' } },
      { text: 'B', style: { fg: '#ff0000', bg: '#0a141e' } },
    ]);
    expect(color256(232)).toBe('#080808');
    expect(color256(300)).toBeUndefined();
  });

  it('drops cursor movement, screen clearing and hyperlinks, keeping their text', () => {
    const text = `${ESC}[2K${ESC}[1Gprogress ${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\ done${ESC}[?25h`;
    expect(parseAnsi(text)).toEqual([{ text: 'progress link done', style: {} }]);
  });

  it('merges neighbours with the same style', () => {
    expect(parseAnsi(`${ESC}[33ma${ESC}[33mb`)).toEqual([{ text: 'ab', style: { fg: '#facc15' } }]);
  });

  it('keeps markup as text', () => {
    expect(parseAnsi(`${ESC}[31m<img src=x onerror=alert(1)>`)).toEqual([
      { text: '<img src=x onerror=alert(1)>', style: { fg: '#f87171' } },
    ]);
  });
});

describe('stripAnsi', () => {
  it('removes every escape sequence', () => {
    expect(stripAnsi(`${ESC}[1m${ESC}[31mError:${ESC}[39m${ESC}[22m boom ${ESC}[2K`)).toBe('Error: boom ');
    expect(stripAnsi('plain')).toBe('plain');
  });
});
