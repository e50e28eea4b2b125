import type { OAuthContext } from '../oauth-context.ts';
import { newOrderedToken, tokenKey } from '../../kernel/crypto/tokens.ts';
import { AuthorizationCodeRepository } from '../tokens/authorization-code-repository.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import { redirectBack } from './redirect.ts';
import { SessionClientRepository } from '../logout/session-client-repository.ts';
import { FAPI2_MAX_CODE_LIFETIME_SECONDS } from '../clients/fapi2.ts';

/**
 * Stores a single-use authorization code bound to the request (client, redirect URI, PKCE,
 * scopes, resources, nonce) and the sign-in session, and returns the redirect that delivers it.
 * An OpenID request also records that the client authenticated the person in this session, so
 * signing out of it reaches the client (Back-Channel Logout).
 */
export async function issueCodeRedirect(
  ctx: OAuthContext,
  request: AuthorizationRequest,
  userId: string,
  grantId: string,
  authTime: number,
  /** The sign-in session (absent for codes minted outside a browser, e.g. benchmarks). */
  sessionId?: string,
): Promise<string> {
  const now = ctx.clock.now();
  const code = newOrderedToken('ac_', now);
  if (sessionId && request.scopes.includes('openid'))
    await new SessionClientRepository(ctx.database.db).record(sessionId, request.clientId, userId, now);
  await new AuthorizationCodeRepository(ctx.database.db).insert({
    codeHash: tokenKey(code),
    clientId: request.clientId,
    userId,
    grantId,
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    codeChallenge: request.codeChallenge ?? null,
    codeChallengeMethod: request.codeChallengeMethod ?? null,
    scopes: request.scopes,
    resources: request.resources,
    nonce: request.nonce ?? null,
    authTime,
    sessionId: sessionId ?? null,
    dpopJkt: request.dpopJkt ?? null,
    expiresAt: now + codeLifetimeSeconds(ctx, request) * 1000,
  });
  return redirectBack(request.redirectUri, ctx.config.ISSUER, request.state, { code });
}

/** AUTHORIZATION_CODE_TTL_SECONDS, capped at 60 s for a FAPI 2.0 client. */
function codeLifetimeSeconds(ctx: OAuthContext, request: AuthorizationRequest): number {
  const configured = ctx.config.AUTHORIZATION_CODE_TTL_SECONDS;
  return request.fapi2 ? Math.min(configured, FAPI2_MAX_CODE_LIFETIME_SECONDS) : configured;
}
