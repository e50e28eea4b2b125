import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import type { AuthorizationScheme } from '../resource-guard/bearer.ts';
import { DPOP_SIGNING_ALGS } from './dpop-proof.ts';
import { DpopRejection } from './dpop-verifier.ts';

/** The `algs` a DPoP challenge names (RFC 9449 §7.1). */
export const DPOP_ALGS_PARAM = DPOP_SIGNING_ALGS.join(' ');

/** Why a resource refused how a token was presented; the caller builds its challenge (scheme DPoP). */
export class SenderConstraintFailure extends Error {
  constructor(
    readonly code: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
    description: string,
  ) {
    super(description);
  }
}

/**
 * RFC 9449 §7 at a resource (the guard, UserInfo): a token bound to a DPoP key (`cnf.jkt`)
 * comes as `DPoP <token>` with a proof of this very request — its method, and its URL under
 * the configured ISSUER (never one rebuilt from Host or forwarding headers), `ath` hashing the
 * token, made with the bound key, fresh, not replayed, and with a current nonce when
 * DPOP_NONCE=all. A bound token sent as Bearer, or an unbound one sent as DPoP, is refused.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export async function checkSenderConstraint(
  ctx: Pick<OAuthContext, 'config' | 'dpop'>,
  request: FastifyRequest,
  reply: FastifyReply,
  presented: { token: string; scheme: AuthorizationScheme },
  boundJkt: string | undefined,
): Promise<void> {
  if (!boundJkt) {
    if (presented.scheme === 'DPoP')
      throw new SenderConstraintFailure('invalid_token', 'this access token is not DPoP-bound: send it as Bearer');
    return;
  }
  if (presented.scheme !== 'DPoP')
    throw new SenderConstraintFailure(
      'invalid_token',
      'this access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof',
    );
  const nonceRequired = ctx.config.DPOP_NONCE === 'all';
  // The client learns a fresh nonce from every answer, refusals included (RFC 9449 §9).
  if (nonceRequired) reply.header('dpop-nonce', ctx.dpop.currentNonce());
  let jkt: string;
  try {
    ({ jkt } = await ctx.dpop.verify(
      request.headers.dpop,
      { htm: request.method, htu: `${ctx.config.ISSUER}${request.url.split('?')[0]}`, accessToken: presented.token },
      nonceRequired,
    ));
  } catch (error) {
    if (error instanceof DpopRejection) throw new SenderConstraintFailure(error.code, error.message);
    throw error;
  }
  if (jkt !== boundJkt)
    throw new SenderConstraintFailure(
      'invalid_dpop_proof',
      'the DPoP proof is signed by another key than the one the access token is bound to',
    );
}
