import { describe, expect, it } from 'vitest';
import {
  formatUserCode,
  newUserCode,
  normaliseUserCode,
  USER_CODE_ALPHABET,
  UserCodeHasher,
} from '../../src/oauth/device/user-code.ts';

describe('device flow user codes (RFC 8628 §6.1)', () => {
  it('draws 8 letters from the 20-letter alphabet, every letter in use', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = newUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      for (const letter of code) seen.add(letter);
    }
    expect([...seen].sort().join('')).toBe(USER_CODE_ALPHABET);
    expect(formatUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
  });

  it('reads what people type: any case, dashes and spaces ignored; anything else is not a code', () => {
    for (const typed of ['BCDF-GHJK', 'bcdfghjk', 'bcdf-ghjk', ' BCDF GHJK ', 'Bc-Df-Gh-Jk'])
      expect(normaliseUserCode(typed)).toBe('BCDFGHJK');
    for (const typed of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', 'BCDF_GHJK', 'BCDF-GHJ1', 'ВCDF-GHJK'])
      expect(normaliseUserCode(typed)).toBeUndefined();
  });

  it('hashes under a key: the same code hashes differently under another SECRET_KEY', () => {
    const one = new UserCodeHasher(Buffer.alloc(32, 1));
    const other = new UserCodeHasher(Buffer.alloc(32, 2));
    expect(one.hash('BCDFGHJK')).toBe(one.hash('BCDFGHJK'));
    expect(one.hash('BCDFGHJK')).not.toBe(other.hash('BCDFGHJK'));
    expect(one.hash('BCDFGHJK')).not.toBe(one.hash('BCDFGHJL'));
  });
});
