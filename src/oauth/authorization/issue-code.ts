import type { OAuthContext } from '../oauth-context.ts';
import { newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import { AuthorizationCodeRepository } from '../tokens/authorization-code-repository.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import { redirectBack } from './redirect.ts';

/**
 * Stores a single-use authorization code bound to the request (client, redirect URI, PKCE,
 * scopes, resources, nonce) and returns the redirect that delivers it.
 */
export async function issueCodeRedirect(ctx: OAuthContext, request: AuthorizationRequest, userId: string, grantId: string, authTime: number): Promise<string> {
  const code = newOpaqueToken('ac_');
  const now = ctx.clock.now();
  await new AuthorizationCodeRepository(ctx.database.db).insert({
    code_hash: sha256(code),
    client_id: request.clientId,
    user_id: userId,
    grant_id: grantId,
    redirect_uri: request.redirectUri,
    redirect_uri_sent: request.redirectUriSent ? 1 : 0,
    code_challenge: request.codeChallenge ?? null,
    code_challenge_method: request.codeChallengeMethod ?? null,
    scopes: JSON.stringify(request.scopes),
    resources: JSON.stringify(request.resources),
    nonce: request.nonce ?? null,
    auth_time: authTime,
    expires_at: now + ctx.config.AUTHORIZATION_CODE_TTL_SECONDS * 1000,
    consumed_at: null,
    family_id: null,
  });
  return redirectBack(request.redirectUri, ctx.config.ISSUER, request.state, { code });
}
