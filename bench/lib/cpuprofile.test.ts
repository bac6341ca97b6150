import { describe, expect, it } from 'vitest';
import { profileTable, topSelf, topTotal } from './cpuprofile.mjs';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });

// root -> handle (app.js:10) -> parse (parse.js:3); root -> (idle)
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4] },
    { id: 2, callFrame: frame('handle', 'file:///srv/app.js', 9), children: [3] },
    { id: 3, callFrame: frame('parse', 'file:///srv/node_modules/lib/parse.js', 2), children: [] },
    { id: 4, callFrame: frame('(idle)'), children: [] },
  ],
  startTime: 0,
  endTime: 7000,
  samples: [3, 3, 2, 4, 3],
  timeDeltas: [0, 1000, 1000, 1000, 2000],
};

describe('profileTable', () => {
  it('adds self time per function and inclusive time up the stack', () => {
    const table = profileTable(profile);
    // Samples at 0, 1, 2, 3 and 5 ms, profile ends at 7 ms: parse 1 + 1 + 2, handle 1, idle 2.
    expect(table.totalMs).toBe(7);
    expect(topSelf(table, 2)).toEqual([
      { name: 'parse node_modules/lib/parse.js:3', selfMs: 4, totalMs: 4 },
      { name: '(idle)', selfMs: 2, totalMs: 2 },
    ]);
    expect(topTotal(table, 1, /app\.js/)).toEqual([{ name: 'handle /srv/app.js:10', selfMs: 1, totalMs: 5 }]);
  });
});
