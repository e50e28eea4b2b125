import { describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/kernel/lookup-cache.ts';

/** A load that answers `value` when told to, counting its calls. */
function deferredLoads() {
  let calls = 0;
  let release: (value: string) => void = () => {};
  return {
    load: () => {
      calls++;
      return new Promise<string>((resolve) => (release = resolve));
    },
    answer: (value: string) => release(value),
    calls: () => calls,
  };
}

describe('LookupCache', () => {
  it('answers from memory for ttlMs, then loads again', async () => {
    let now = 1_000;
    const cache = new LookupCache<string | undefined>(500, () => now);
    let loads = 0;
    const load = async () => `row ${++loads}`;
    expect(await cache.lookup('a', load)).toBe('row 1');
    now += 499;
    expect(await cache.lookup('a', load)).toBe('row 1');
    now += 1;
    expect(await cache.lookup('a', load)).toBe('row 2');
    expect(await cache.lookup('b', async () => undefined)).toBeUndefined();
    expect(await cache.lookup('b', load)).toBeUndefined(); // "no such row" is remembered too
  });

  it('remembers nothing when ttlMs is 0', async () => {
    const cache = new LookupCache<number>(0, () => 0);
    let loads = 0;
    await cache.lookup('a', async () => ++loads);
    await cache.lookup('a', async () => ++loads);
    expect(loads).toBe(2);
  });

  it('forgets a key its change wrote', async () => {
    const cache = new LookupCache<string>(60_000, () => 0);
    await cache.lookup('a', async () => 'old');
    expect(await cache.change('a', async () => 'written')).toBe('written');
    expect(await cache.lookup('a', async () => 'new')).toBe('new');
  });

  it('keeps nothing from a lookup that a change overlapped (the read may hold the old row)', async () => {
    const cache = new LookupCache<string>(60_000, () => 0);
    const slow = deferredLoads();
    const reading = cache.lookup('a', slow.load);
    await cache.change('a', async () => undefined);
    slow.answer('old');
    expect(await reading).toBe('old');
    expect(await cache.lookup('a', async () => 'new')).toBe('new');
    expect(slow.calls()).toBe(1);
  });

  it('starts over past maxEntries', async () => {
    const cache = new LookupCache<string>(60_000, () => 0, 2);
    await cache.lookup('a', async () => 'a1');
    await cache.lookup('b', async () => 'b1');
    await cache.lookup('c', async () => 'c1'); // the map was full: it starts over with c
    expect(await cache.lookup('c', async () => 'c2')).toBe('c1');
    expect(await cache.lookup('a', async () => 'a2')).toBe('a2');
  });
});
