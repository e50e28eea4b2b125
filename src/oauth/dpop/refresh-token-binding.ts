import type { Client } from '../clients/client.ts';
import { InvalidGrant } from '../errors.ts';

/**
 * RFC 9449 §5: a refresh token issued to a public client that presented a DPoP proof is bound
 * to the proof's key. A confidential client's refresh tokens stay unbound: its client
 * authentication already constrains who may use them, and the RFC leaves them so — except a
 * FAPI 2.0 client's, which are bound as well (issue #16: sender-constrained refresh tokens; its
 * token requests always carry a proof, so they always are).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export function refreshTokenBinding(client: Client, dpopJkt: string | undefined): string | null {
  return (client.type === 'public' || client.fapi2) && dpopJkt ? dpopJkt : null;
}

/**
 * A bound refresh token is used only with a proof made by its key. Checked before anything
 * else about the token, so whoever lacks the key can neither rotate it nor, by replaying it,
 * revoke its family.
 */
export function checkRefreshTokenBinding(boundJkt: string | null, dpopJkt: string | undefined): void {
  if (boundJkt === null) return;
  if (!dpopJkt) throw new InvalidGrant('the refresh token is bound to a DPoP key: send a DPoP proof made with it');
  if (dpopJkt !== boundJkt) throw new InvalidGrant('the refresh token is bound to another DPoP key');
}
