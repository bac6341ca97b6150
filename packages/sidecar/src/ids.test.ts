import { describe, expect, it } from 'vitest';
import { createIdGenerator, idTimestamp } from './ids.ts';
import { UUID_V7 } from './test/server.ts';

describe('createIdGenerator', () => {
  it('makes UUIDv7 strings that carry the time', () => {
    const next = createIdGenerator(() => 1_795_510_029_826);
    const id = next();
    expect(id).toMatch(UUID_V7);
    expect(idTimestamp(id)).toBe(1_795_510_029_826);
  });

  it('orders ids by time as strings, within one millisecond too', () => {
    const clock = { now: 1_700_000_000_000 };
    const next = createIdGenerator(() => clock.now);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i % 1000 === 0) clock.now += 1;
      ids.push(next());
    }
    expect(new Set(ids).size).toBe(5000);
    expect([...ids].sort()).toEqual(ids);
  });

  it('never goes backwards when the clock does', () => {
    const clock = { now: 2_000_000_000_000 };
    const next = createIdGenerator(() => clock.now);
    const first = next();
    clock.now -= 5000;
    const second = next();
    expect(second > first).toBe(true);
    expect(idTimestamp(second)).toBe(2_000_000_000_000);
  });

  it('differs between generators started at the same moment (restarts)', () => {
    const now = () => 1_700_000_000_000;
    const a = Array.from({ length: 100 }, createIdGenerator(now));
    const b = Array.from({ length: 100 }, createIdGenerator(now));
    expect(new Set([...a, ...b]).size).toBe(200);
  });

  it('rejects strings that are not our ids', () => {
    expect(idTimestamp('not-an-id')).toBeUndefined();
    expect(idTimestamp('01234567-89ab-43ff-bfff-ffffffffffff')).toBeUndefined();
  });
});
