import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStateFile, isProcessAlive, readState } from './stateFile.ts';

describe('defaultStateFile', () => {
  it("lives in the user's cache folder, per platform, unless SPOTLIGHT_STATE_FILE says otherwise", () => {
    expect(defaultStateFile({}, 'linux', '/home/u')).toBe('/home/u/.cache/spotlight/sidecar.json');
    expect(defaultStateFile({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u')).toBe('/x/cache/spotlight/sidecar.json');
    expect(defaultStateFile({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/spotlight/sidecar.json');
    expect(defaultStateFile({ LOCALAPPDATA: 'C:/Users/u/AppData/Local' }, 'win32', 'C:/Users/u')).toBe(
      join('C:/Users/u/AppData/Local', 'spotlight', 'sidecar.json'),
    );
    expect(defaultStateFile({ SPOTLIGHT_STATE_FILE: '/tmp/s.json' }, 'linux', '/home/u')).toBe('/tmp/s.json');
  });
});

describe('readState', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spotlight-state-'));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('reads the URL of a live sidecar', async () => {
    const path = write('ok.json', JSON.stringify({ url: 'http://localhost:41234', port: 41234, pid: process.pid, startedAt: 1 }));
    expect(await readState(path)).toEqual({ url: 'http://localhost:41234', pid: process.pid });
  });

  it('ignores a missing or broken file, a dead process and a non-loopback URL', async () => {
    expect(await readState(join(dir, 'missing.json'))).toBeUndefined();
    expect(await readState(write('broken.json', '{"url":'))).toBeUndefined();
    expect(await readState(write('dead.json', JSON.stringify({ url: 'http://localhost:1', pid: 2 ** 22 + 12345 })))).toBeUndefined();
    expect(await readState(write('remote.json', JSON.stringify({ url: 'http://evil.test:8969', pid: process.pid })))).toBeUndefined();
  });

  it('checks processes without signalling them', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
  });
});
