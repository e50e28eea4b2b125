import { createHmac, hkdfSync, randomInt } from 'node:crypto';

/**
 * User codes (RFC 8628 §6.1): 8 letters from an alphabet without vowels (no words spelt by
 * chance) and without letters people confuse (no I, O, U or Y), shown in two groups of four
 * (BCDF-GHJK). 20⁸ codes are about 34 bits: enough for a ten-minute code behind a rate limit, far too few for a plain
 * hash to hide them, so they are stored as a keyed hash.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new random user code, normalised (no dash). */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** BCDFGHJK → BCDF-GHJK, as the device shows it and the person types it. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as a stored code is hashed: case does not matter, and spaces and dashes
 * are ignored (§6.1). Undefined when it cannot be a user code at all.
 */
export function normaliseUserCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const letter of code) if (!USER_CODE_ALPHABET.includes(letter)) return undefined;
  return code;
}

/** Hashes normalised user codes under a key derived from SECRET_KEY for this purpose only. */
export class UserCodeHasher {
  private readonly key: Buffer;

  constructor(secretKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'consentry:device-user-code', 32));
  }

  hash(normalisedCode: string): string {
    return createHmac('sha256', this.key).update(normalisedCode).digest('base64url');
  }
}
