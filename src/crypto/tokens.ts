import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** An opaque credential: `prefix` + 256 bits of randomness, base64url. */
export function newOpaqueToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function newId(): string {
  return randomUUID();
}

/** Tokens, codes and secrets are stored as SHA-256 hashes, never in the clear. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * Compares two strings in time independent of where (or whether) they differ: both are hashed
 * first, so neither their contents nor their lengths steer the comparison.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
