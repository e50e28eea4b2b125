import { describe, expect, it } from 'vitest';
import { hashMatches, newOrderedToken, newTimeOrderedId, sha256, tokenKey } from '../../src/kernel/crypto/tokens.ts';
import { pooledRandomBytes } from '../../src/kernel/crypto/random-pool.ts';

describe('ids, hashes and random bytes', () => {
  it('time-ordered ids are UUIDv7 and sort by their millisecond', () => {
    const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((ms) => newTimeOrderedId(ms));
    for (const id of ids) expect(id).toMatch(uuidV7);
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(ids[0]!.replace(/-/g, '').slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, '0'));
    expect(newTimeOrderedId(1)).not.toBe(newTimeOrderedId(1));
  });

  it('pooled random bytes never repeat across refills and are copies', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(pooledRandomBytes(32).toString('hex'));
    expect(seen.size).toBe(1000);
    const a = pooledRandomBytes(16);
    const copy = Buffer.from(a);
    for (let i = 0; i < 600; i++) pooledRandomBytes(16); // past a refill of the 4 KiB pool
    expect(a.equals(copy)).toBe(true);
    expect(pooledRandomBytes(10_000)).toHaveLength(10_000);
  });

  it('hashMatches accepts exactly the value a stored hash was made from', () => {
    const stored = sha256('cs_secret');
    expect(hashMatches('cs_secret', stored)).toBe(true);
    expect(hashMatches('cs_secreT', stored)).toBe(false);
    expect(hashMatches('cs_secret', stored.slice(0, 20))).toBe(false);
    expect(hashMatches('cs_secret', '')).toBe(false);
  });

  it('ordered tokens are stored under keys that sort by issue time, and older tokens keep their bare hash', () => {
    const tokens = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((ms) => newOrderedToken('rt_', ms));
    expect(tokens[0]).toMatch(/^rt_018bcfe56800\.[\w-]{43}$/);
    const keys = tokens.map(tokenKey);
    expect([...keys].reverse().sort()).toEqual(keys);
    expect(keys[0]).toBe(`rt_018bcfe56800.${sha256(tokens[0]!)}`);
    // The key holds the hash, never the random part.
    expect(keys[0]).not.toContain(tokens[0]!.split('.')[1]);
    expect(newOrderedToken('rt_', 1)).not.toBe(newOrderedToken('rt_', 1));
    const opaque = 'rt_' + 'A'.repeat(43);
    expect(tokenKey(opaque)).toBe(sha256(opaque));
    // A dot far into a presented value is not a time part: the bare hash, which matches nothing issued.
    const far = `${'x'.repeat(30)}.y`;
    expect(tokenKey(far)).toBe(sha256(far));
  });
});
