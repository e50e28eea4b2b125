import { newId } from '../../kernel/crypto/tokens.ts';
import type { LoadedKey } from '../../kernel/keys/key-ring.ts';
import { SIGNING_ALG } from '../../kernel/keys/key-ring.ts';
import { signEs256 } from '../../kernel/keys/sign-jws.ts';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token is fresh for this long: the receiver must not accept it later (§2.6). */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;

export interface LogoutTokenInput {
  issuer: string;
  clientId: string;
  subject: string;
  sessionId: string;
  nowMs: number;
}

/**
 * A logout token (OIDC Back-Channel Logout 1.0 §2.4): signed with the ID-token key, `typ`
 * logout+jwt (§2.4 and RFC 8725 §3.11, so it cannot pass for an ID token), the backchannel-logout
 * event, `sub` and `sid`, a fresh `jti`, and never a `nonce`.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken
 */
export function signLogoutToken(key: LoadedKey, input: LogoutTokenInput): Promise<string> {
  const iat = Math.floor(input.nowMs / 1000);
  const claims = {
    iss: input.issuer,
    aud: input.clientId,
    iat,
    exp: iat + LOGOUT_TOKEN_TTL_SECONDS,
    jti: newId(),
    sub: input.subject,
    sid: input.sessionId,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  return signEs256({ alg: SIGNING_ALG, typ: 'logout+jwt', kid: key.kid }, claims, key.privateKey);
}
