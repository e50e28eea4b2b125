import type { FastifyRequest } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import type { Client } from '../clients/client.ts';
import { FAPI2_SIGNING_ALGS } from '../clients/fapi2.ts';
import { OAuthError } from '../errors.ts';
import type { VerifiedProof } from './dpop-proof.ts';
import { DpopRejection } from './dpop-verifier.ts';

/** RFC 9449 §5: a token request whose DPoP proof is missing where required, or invalid. */
export class InvalidDpopProof extends OAuthError {
  constructor(description: string) {
    super('invalid_dpop_proof', description);
  }
}

/** RFC 9449 §8: the proof needs this server's nonce, sent along in `DPoP-Nonce`. */
export class UseDpopNonce extends OAuthError {
  constructor(description: string, nonce: string) {
    super('use_dpop_nonce', description);
    this.headers['dpop-nonce'] = nonce;
  }
}

/**
 * The DPoP proof of a token request, checked against POST `<ISSUER>/oauth/token` (never a URL
 * derived from request headers); answers the key thumbprint the tokens get bound to, or
 * undefined when the request carries no proof and the client may do without — one that
 * registered `dpop_bound_access_tokens` (RFC 9449 §5.2), as every FAPI 2.0 client is, may not.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export function tokenRequestProof(
  ctx: Pick<OAuthContext, 'config' | 'dpop'>,
  request: FastifyRequest,
  client: Client,
): Promise<string | undefined> {
  return authorizationServerProof(ctx, request, client, '/oauth/token');
}

/**
 * The DPoP proof a pushed authorization request may carry (RFC 9449 §10.1): optional, and
 * when present it binds the code as `dpop_jkt` would.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-10.1
 */
export function pushedRequestProof(
  ctx: Pick<OAuthContext, 'config' | 'dpop'>,
  request: FastifyRequest,
  client: Client,
): Promise<string | undefined> {
  return authorizationServerProof(ctx, request, client, '/oauth/par');
}

/** A proof at one of the authorization server's POST endpoints; nonces unless DPOP_NONCE=off. */
async function authorizationServerProof(
  ctx: Pick<OAuthContext, 'config' | 'dpop'>,
  request: FastifyRequest,
  client: Client,
  path: '/oauth/token' | '/oauth/par',
): Promise<string | undefined> {
  const header = request.headers.dpop;
  if (header === undefined) {
    if (path === '/oauth/token' && client.dpopBoundAccessTokens)
      throw new InvalidDpopProof(
        client.fapi2
          ? 'a FAPI 2.0 client’s token requests need a DPoP proof: its tokens are always DPoP-bound'
          : 'this client registered dpop_bound_access_tokens: its token requests need a DPoP proof',
      );
    return undefined;
  }
  let proof: VerifiedProof;
  try {
    proof = await ctx.dpop.verify(
      header,
      { htm: 'POST', htu: `${ctx.config.ISSUER}${path}` },
      ctx.config.DPOP_NONCE !== 'off',
    );
  } catch (error) {
    if (!(error instanceof DpopRejection)) throw error;
    if (error.code === 'use_dpop_nonce') throw new UseDpopNonce(error.message, ctx.dpop.currentNonce());
    throw new InvalidDpopProof(error.message);
  }
  if (client.fapi2 && !FAPI2_SIGNING_ALGS.includes(proof.alg))
    throw new InvalidDpopProof(`a FAPI 2.0 client signs its DPoP proofs with ${FAPI2_SIGNING_ALGS.join(' or ')}`);
  return proof.jkt;
}
