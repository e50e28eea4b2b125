import { createHash, hash, randomUUID, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.ts';

/** An opaque credential: `prefix` + 256 bits of randomness, base64url. */
export function newOpaqueToken(prefix: string): string {
  return prefix + pooledRandomBytes(32).toString('base64url');
}

/**
 * An opaque credential looked up on every use (refresh tokens, authorization codes): `prefix`,
 * the issue time (12 hex digits of epoch milliseconds), a dot, then 256 bits of randomness.
 * Its lookup key (`tokenKey`) starts with the same time, so the rows written one after another
 * share the last pages of the unique index, where a bare hash sends every insert and lookup to a
 * random page: under load each group commit rewrote a page per token. The time says no more
 * than the token's `iat` would.
 */
export function newOrderedToken(prefix: string, nowMs: number): string {
  return orderedToken(prefix, nowMs, pooledRandomBytes(32).toString('base64url'));
}

/** The ordered form around a secret part made elsewhere (a derived refresh successor's MAC). */
export function orderedToken(prefix: string, nowMs: number, secretPart: string): string {
  return `${prefix}${nowMs.toString(16).padStart(12, '0')}.${secretPart}`;
}

/** Where the time part of an ordered token ends, at most this far in; an opaque token has no dot. */
const ORDERED_DOT_WITHIN = 24;

/**
 * What a token is stored and found under: the SHA-256 of it, after its prefix and time when it
 * has them (`newOrderedToken`). Tokens without them (all issued before) keep their bare hash.
 */
export function tokenKey(token: string): string {
  const dot = token.indexOf('.');
  return dot > 0 && dot <= ORDERED_DOT_WITHIN ? token.slice(0, dot + 1) + sha256(token) : sha256(token);
}

export function newId(): string {
  return randomUUID();
}

/**
 * A UUIDv7 (RFC 9562 §5.7): the millisecond time first, so rows written one after another land
 * on the same last pages of an index instead of a random page each. For the token tables, which
 * take a write per refresh; it shows when the row was made, which the tokens say anyway.
 */
export function newTimeOrderedId(nowMs = Date.now()): string {
  const time = nowMs.toString(16).padStart(12, '0');
  // randomUUID's pooled randomness keeps its variant bits; only the version nibble changes.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}

/** Tokens, codes and secrets are stored as SHA-256 hashes, never in the clear. */
export function sha256(value: string): string {
  // The one-shot crypto.hash: no Hash object per call, under half the cost of createHash here.
  return hash('sha256', value, 'base64url');
}

/** Whether `value` hashes to `storedHash` (a `sha256` of it), in time independent of the contents. */
export function hashMatches(value: string, storedHash: string): boolean {
  const actual = sha256(value);
  return actual.length === storedHash.length && timingSafeEqual(Buffer.from(actual), Buffer.from(storedHash));
}

/**
 * Compares two strings in time independent of where (or whether) they differ: both are hashed
 * first, so neither their contents nor their lengths steer the comparison.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
