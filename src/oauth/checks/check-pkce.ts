import { createHash } from 'node:crypto';
import type { Client } from '../clients/client.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';

// RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Authorization-time PKCE rules: S256 is required of public and FAPI 2.0 clients and accepted
 * from all; `plain` only for clients registered with allow_plain_pkce (never advertised, never
 * for FAPI 2.0 clients).
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
export function checkCodeChallenge(
  client: Client,
  challenge: string | undefined,
  method: string | undefined,
): { challenge: string; method: 'S256' | 'plain' } | undefined {
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    if (client.type === 'public' || client.fapi2)
      throw new InvalidRequest('PKCE is required: send code_challenge with code_challenge_method=S256');
    return undefined;
  }
  const chosen = method ?? 'plain'; // RFC 7636 §4.3: the default is plain
  if (chosen === 'S256') {
    if (!/^[A-Za-z0-9\-_]{43}$/.test(challenge))
      throw new InvalidRequest('code_challenge must be the 43-character base64url SHA-256 of the verifier');
    return { challenge, method: 'S256' };
  }
  if (chosen === 'plain') {
    if (!client.allowPlainPkce || client.fapi2) throw new InvalidRequest('code_challenge_method must be S256');
    if (!VERIFIER.test(challenge)) throw new InvalidRequest('code_challenge is malformed');
    return { challenge, method: 'plain' };
  }
  throw new InvalidRequest('unsupported code_challenge_method; use S256');
}

/** Token-time PKCE: the verifier must match; a verifier without a challenge is a downgrade. */
export function checkCodeVerifier(verifier: string | undefined, challenge: string | null, method: string | null): void {
  if (challenge === null) {
    if (verifier !== undefined)
      throw new InvalidGrant('code_verifier sent but the authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required');
  if (!VERIFIER.test(verifier)) throw new InvalidRequest('code_verifier must be 43–128 unreserved characters');
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  if (computed !== challenge) throw new InvalidGrant('code_verifier does not match the code_challenge');
}
