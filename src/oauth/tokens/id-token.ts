import { signEs256WithIdToken } from '../../kernel/keys/sign-jws.ts';
import type { LoadedKey } from '../../kernel/keys/key-ring.ts';
import { SIGNING_ALG } from '../../kernel/keys/key-ring.ts';
import type { AccessTokenContents } from './access-token.ts';

export interface IdTokenInput {
  issuer: string;
  subject: string;
  clientId: string;
  nonce?: string | null;
  authTime?: number | null;
  /** The sign-in session's id (never its cookie secret): lets a logout token name the session. */
  sessionId?: string | null;
  nowMs: number;
  ttlSeconds: number;
}

/**
 * An access token and the OpenID Connect ID token that travels with it, signed together: the ID
 * token's `at_hash` (OIDC Core §3.1.3.6) is computed from the signed access token where they are
 * signed (signing-worker.js).
 */
export async function signAccessAndIdToken(
  key: LoadedKey,
  { header, claims }: AccessTokenContents,
  id: IdTokenInput,
): Promise<{ accessToken: string; idToken: string }> {
  const iat = Math.floor(id.nowMs / 1000);
  const idClaims: Record<string, unknown> = {
    iss: id.issuer,
    sub: id.subject,
    aud: id.clientId,
    iat,
    exp: iat + id.ttlSeconds,
  };
  if (id.nonce) idClaims.nonce = id.nonce;
  if (id.authTime) idClaims.auth_time = Math.floor(id.authTime / 1000);
  if (id.sessionId) idClaims.sid = id.sessionId;
  const signed = await signEs256WithIdToken(
    header,
    claims,
    { alg: SIGNING_ALG, typ: 'JWT', kid: key.kid },
    idClaims,
    key.privateKey,
  );
  return { accessToken: signed.accessToken, idToken: signed.idToken };
}
