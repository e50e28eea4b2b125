import { randomInt } from 'node:crypto';
import { MalformedCode } from '../errors.ts';

/** A fresh 6-digit code from the CSPRNG, leading zeros kept. */
export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * Codes are stored as Argon2id hashes: a 6-digit code under plain SHA-256 falls to an offline
 * search of a million candidates in well under a second if the table ever leaks.
 */
export async function hashCode(code: string): Promise<string> {
  return (await loadArgon2()).hash(code);
}

export async function codeMatches(codeHash: string, code: string): Promise<boolean> {
  return (await loadArgon2()).verify(codeHash, code);
}

/** The Argon2 addon (about 5 MB resident) is loaded by the first sign-in, not at start. */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** What a person typed, tolerating spaces and dashes ("123 456"); anything else is refused. */
export function normalizeCode(input: string): string {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(digits)) throw new MalformedCode();
  return digits;
}
