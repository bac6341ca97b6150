import { describe, expect, it } from 'vitest';
import { filterWords, matchesWords } from './listFilter.tsx';

describe('list filters', () => {
  it('split a query into lowercased words, none when blank', () => {
    expect(filterWords('  TypeError   checkout ')).toEqual(['typeerror', 'checkout']);
    expect(filterWords('   ')).toEqual([]);
  });

  it('match when every word occurs in one of the texts, in any case', () => {
    const texts = ['TypeError', undefined, 'GET /checkout', 'web-server'];
    expect(matchesWords(texts, [])).toBe(true);
    expect(matchesWords(texts, filterWords('typeerror CHECKOUT'))).toBe(true);
    expect(matchesWords(texts, filterWords('web-server get'))).toBe(true);
    expect(matchesWords(texts, filterWords('typeerror payments'))).toBe(false);
    expect(matchesWords([], filterWords('x'))).toBe(false);
  });
});
