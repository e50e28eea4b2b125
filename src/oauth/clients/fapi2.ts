import type { Client } from './client.ts';

/**
 * The FAPI 2.0 Security Profile (OpenID Foundation) as this server applies it to a client
 * registered with `fapi2: true`: authorization requests only through PAR, PKCE with S256 and an
 * explicit redirect_uri, `private_key_jwt`, DPoP-bound access and refresh tokens, `iss` in every
 * authorization response (always sent here), codes valid at most 60 s, and JWS algorithms
 * restricted to ES256 and PS256. The rules live where each is checked; this file holds what
 * they share.
 * @see https://openid.net/specs/fapi-security-profile-2_0-final.html
 */

/**
 * The JWS algorithms a FAPI 2.0 client may use (client assertions, request objects, DPoP
 * proofs). The profile also allows EdDSA; issue #16 keeps to these two.
 */
export const FAPI2_SIGNING_ALGS: readonly string[] = ['ES256', 'PS256'];

/** The profile's ceiling on an authorization code's lifetime. */
export const FAPI2_MAX_CODE_LIFETIME_SECONDS = 60;

/** `algorithms` narrowed to the profile's for a FAPI 2.0 client; unchanged for others. */
export function algorithmsFor(client: Pick<Client, 'fapi2'>, algorithms: readonly string[]): string[] {
  return client.fapi2 ? algorithms.filter((alg) => FAPI2_SIGNING_ALGS.includes(alg)) : [...algorithms];
}
