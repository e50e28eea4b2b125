import { describe, expect, it } from 'vitest';
import { codeMatches, generateCode, hashCode, normalizeCode } from '../../src/accounts/otp/otp-code.ts';
import { MalformedCode } from '../../src/accounts/errors.ts';

describe('one-time codes', () => {
  it('are six digits, leading zeros kept', () => {
    const codes = Array.from({ length: 200 }, generateCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });

  it('are stored as Argon2id hashes that only the right code matches', async () => {
    const stored = await hashCode('012345');
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain('012345');
    expect(await codeMatches(stored, '012345')).toBe(true);
    expect(await codeMatches(stored, '012346')).toBe(false);
  });

  it('accept what people paste: spaces and dashes', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
  });

  it.each(['12345', '1234567', '12a456', '', '١٢٣٤٥٦'])('refuse %j', (input) => {
    expect(() => normalizeCode(input)).toThrow(MalformedCode);
  });
});
