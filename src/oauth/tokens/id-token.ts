import { createHash } from 'node:crypto';
import { signEs256 } from '../../kernel/keys/sign-jws.ts';
import type { LoadedKey } from '../../kernel/keys/key-ring.ts';
import { SIGNING_ALG } from '../../kernel/keys/key-ring.ts';

export interface IdTokenInput {
  issuer: string;
  subject: string;
  clientId: string;
  nonce?: string | null;
  authTime?: number | null;
  /** The sign-in session's id (never its cookie secret): lets a logout token name the session. */
  sessionId?: string | null;
  accessToken: string;
  nowMs: number;
  ttlSeconds: number;
}

/** An OpenID Connect ID token with `at_hash` bound to the access token it travels with. */
export function signIdToken(key: LoadedKey, input: IdTokenInput): Promise<string> {
  const iat = Math.floor(input.nowMs / 1000);
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.clientId,
    iat,
    exp: iat + input.ttlSeconds,
    at_hash: leftHalfHash(input.accessToken),
  };
  if (input.nonce) claims.nonce = input.nonce;
  if (input.authTime) claims.auth_time = Math.floor(input.authTime / 1000);
  if (input.sessionId) claims.sid = input.sessionId;
  return signEs256({ alg: SIGNING_ALG, typ: 'JWT', kid: key.kid }, claims, key.privateKey);
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 (ES256 hashes with SHA-256). */
function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
