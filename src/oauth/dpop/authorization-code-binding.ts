import { InvalidGrant, InvalidRequest } from '../errors.ts';

/** An RFC 7638 SHA-256 thumbprint: 32 bytes in base64url, without padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The `dpop_jkt` authorization request parameter (RFC 9449 §10): the thumbprint of the key the
 * code will be bound to, so that a code stolen on its way back cannot be redeemed without it.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-10
 */
export function readDpopJkt(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!THUMBPRINT.test(value))
    throw new InvalidRequest('dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key (RFC 7638)');
  return value;
}

/** A code bound to a key is redeemed only with a DPoP proof made by that key. */
export function checkCodeBinding(boundJkt: string | null, dpopJkt: string | undefined): void {
  if (boundJkt === null) return;
  if (!dpopJkt)
    throw new InvalidGrant('the authorization code is bound to a DPoP key (dpop_jkt): send a proof made with it');
  if (dpopJkt !== boundJkt) throw new InvalidGrant('the authorization code is bound to another DPoP key (dpop_jkt)');
}
