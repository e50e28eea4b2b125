import type { FastifyRequest } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import type { Client } from '../clients/client.ts';
import { OAuthError } from '../errors.ts';
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

/** Whether the client registered `dpop_bound_access_tokens: true` (RFC 9449 §5.2): then DPoP is not optional. */
export function requiresDpop(client: Client): boolean {
  return client.metadata?.dpop_bound_access_tokens === true;
}

/**
 * The DPoP proof of a token request, checked against POST `<ISSUER>/oauth/token` (never a URL
 * derived from request headers); answers the key thumbprint the tokens get bound to, or
 * undefined when the request carries no proof and the client may do without.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export async function tokenRequestProof(
  ctx: Pick<OAuthContext, 'config' | 'dpop'>,
  request: FastifyRequest,
  client: Client,
): Promise<string | undefined> {
  const header = request.headers.dpop;
  if (header === undefined) {
    if (requiresDpop(client))
      throw new InvalidDpopProof(
        'this client registered dpop_bound_access_tokens: its token requests need a DPoP proof',
      );
    return undefined;
  }
  try {
    const proof = await ctx.dpop.verify(
      header,
      { htm: 'POST', htu: `${ctx.config.ISSUER}/oauth/token` },
      ctx.config.DPOP_NONCE !== 'off',
    );
    return proof.jkt;
  } catch (error) {
    if (!(error instanceof DpopRejection)) throw error;
    if (error.code === 'use_dpop_nonce') throw new UseDpopNonce(error.message, ctx.dpop.currentNonce());
    throw new InvalidDpopProof(error.message);
  }
}
