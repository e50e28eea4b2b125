import { errors, jwtVerify, type JWTPayload } from 'jose';
import { signEs256 } from '../../kernel/keys/sign-jws.ts';
import { newTimeOrderedId } from '../../kernel/crypto/tokens.ts';
import type { KeyRing, LoadedKey } from '../../kernel/keys/key-ring.ts';
import { SIGNING_ALG } from '../../kernel/keys/key-ring.ts';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  exp: number;
  iat: number;
  /** The token family (absent for client_credentials tokens, which have none). */
  fam?: string;
  auth_time?: number;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to. */
  cnf?: { jkt?: string };
}

export interface AccessTokenInput {
  issuer: string;
  subject: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  ttlSeconds: number;
  nowMs: number;
  familyId?: string;
  authTime?: number | null;
  /** Binds the token to this DPoP key thumbprint (`cnf.jkt`). */
  dpopJkt?: string;
}

/** Signs an RFC 9068 JWT access token (`typ: at+jwt`) with the ring's active key. */
export async function signAccessToken(
  key: LoadedKey,
  input: AccessTokenInput,
): Promise<{ token: string; jti: string; expiresAt: number }> {
  const iat = Math.floor(input.nowMs / 1000);
  // Time-ordered: a revoked jti lands at the end of revoked_access_tokens' index.
  const jti = newTimeOrderedId();
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience.length === 1 ? input.audience[0]! : input.audience,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    iat,
    exp: iat + input.ttlSeconds,
    jti,
  };
  if (input.familyId) claims.fam = input.familyId;
  if (input.authTime) claims.auth_time = Math.floor(input.authTime / 1000);
  if (input.dpopJkt) claims.cnf = { jkt: input.dpopJkt };
  const token = await signEs256({ alg: SIGNING_ALG, typ: 'at+jwt', kid: key.kid }, claims, key.privateKey);
  return { token, jti, expiresAt: (iat + input.ttlSeconds) * 1000 };
}

/** Why a presented access token was refused; carried to the 401's `error_description`. */
export class InvalidAccessToken extends Error {}

/**
 * Verifies signature, `typ`, `iss`, `exp` and (when given) that `audience` is among `aud`.
 * Revocation is checked by the caller.
 */
export async function verifyAccessToken(
  keys: KeyRing,
  token: string,
  issuer: string,
  audience: string | undefined,
  nowMs: number,
): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = await keys.verificationKey(header.kid);
        if (!key) throw new InvalidAccessToken('unknown signing key');
        return key;
      },
      {
        issuer,
        algorithms: [SIGNING_ALG],
        typ: 'at+jwt',
        currentDate: new Date(nowMs),
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id', 'aud'],
        ...(audience ? { audience } : {}),
      },
    );
    if (typeof payload.scope !== 'string' || typeof payload.client_id !== 'string')
      throw new InvalidAccessToken('malformed claims');
    return payload as AccessTokenClaims;
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidAccessToken('the access token has expired');
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
      throw new InvalidAccessToken('the access token is meant for another resource');
    if (error instanceof errors.JOSEError) throw new InvalidAccessToken('the access token is invalid');
    throw error;
  }
}
