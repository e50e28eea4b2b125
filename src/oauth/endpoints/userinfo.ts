import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { readAccessToken, type AuthorizationScheme } from '../resource-guard/bearer.ts';
import { checkSenderConstraint, DPOP_ALGS_PARAM, SenderConstraintFailure } from '../dpop/resource-proof.ts';
import type { UserinfoClaim } from '../../kernel/scope-registry.ts';
import { challenge, TokenRejected } from '../resource-guard/token-rejected.ts';
import { OIDC_SCOPES } from '../core-scopes.ts';
import { InvalidAccessToken } from '../tokens/access-token.ts';

/**
 * GET|POST /oauth/userinfo (OIDC Core §5.3): access token in the Authorization header only
 * (Bearer, or DPoP with a proof when the token is DPoP-bound: RFC 9449 §7); the token must be
 * meant for this issuer and carry `openid`, or carry a product scope that
 * declares userinfo claims (its token is meant for the product's API). Each scope releases
 * the claims its registry entry names.
 */
export async function userinfoEndpoint(app: FastifyInstance, ctx: OAuthContext, accounts: Accounts): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    try {
      return reply.send(await userinfo(request, reply, ctx, accounts));
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      return reply
        .code(error.status)
        .header('www-authenticate', error.wwwAuthenticate)
        .send({ error: error.code ?? 'invalid_token', error_description: error.description });
    }
  };
  app.get('/oauth/userinfo', { schema: { summary: 'OpenID Connect UserInfo', tags: ['oauth'] } }, handler);
  app.post('/oauth/userinfo', { schema: { summary: 'OpenID Connect UserInfo', tags: ['oauth'] } }, handler);
}

async function userinfo(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: OAuthContext,
  accounts: Accounts,
): Promise<Record<string, unknown>> {
  const presented = readAccessToken(request);
  if ('missing' in presented)
    throw new TokenRejected(
      401,
      undefined,
      'an access token is required',
      `${challenge({ scope: 'openid' })}, ${challenge({ algs: DPOP_ALGS_PARAM }, 'DPoP')}`,
    );
  if ('refused' in presented)
    throw new TokenRejected(
      400,
      'invalid_request',
      presented.refused,
      challenge({ error: 'invalid_request', error_description: presented.refused }),
    );
  const invalid = (description: string) =>
    new TokenRejected(
      401,
      'invalid_token',
      description,
      rejection(presented.scheme, { error: 'invalid_token', error_description: description }),
    );
  let claims;
  try {
    claims = await ctx.accessTokens.verify(presented.token, undefined, ctx.clock.now());
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw invalid(error.message);
    throw error;
  }
  try {
    await checkSenderConstraint(ctx, request, reply, presented, claims.cnf?.jkt);
  } catch (error) {
    if (!(error instanceof SenderConstraintFailure)) throw error;
    throw new TokenRejected(
      401,
      error.code,
      error.message,
      rejection('DPoP', { error: error.code, error_description: error.message }),
    );
  }
  if (await ctx.revocations.isRevoked({ fam: claims.fam, jti: claims.jti }))
    throw invalid('the access token was revoked');
  if (!(await ctx.clients.findById(claims.client_id)))
    throw invalid('the app this token was issued to no longer exists');
  const scopes = new Set(claims.scope.split(' '));
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const forUs = scopes.has('openid') && audience.includes(ctx.config.ISSUER);
  const released = ctx.registry.userinfoClaims([...scopes].filter((s) => forUs || !OIDC_SCOPES.has(s)));
  if (!forUs && released.size === 0) {
    if (!scopes.has('openid'))
      throw new TokenRejected(
        403,
        'insufficient_scope',
        'userinfo needs the openid scope',
        rejection(presented.scheme, { error: 'insufficient_scope', scope: 'openid' }),
      );
    throw invalid('the access token is meant for another resource');
  }
  const user = await accounts.users.findById(claims.sub);
  if (!user) throw invalid('the person behind this token no longer exists');
  const values: Record<UserinfoClaim, unknown> = {
    name: user.name ?? undefined,
    zoneinfo: user.timeZone ?? undefined,
    updated_at: Math.floor(user.updatedAt / 1000),
    email: user.email ?? undefined,
    email_verified: user.email ? user.emailVerified : undefined,
    phone_number: user.phone ?? undefined,
    phone_number_verified: user.phone ? user.phoneVerified : undefined,
  };
  const body: Record<string, unknown> = { sub: user.id };
  for (const claim of released) if (values[claim] !== undefined) body[claim] = values[claim];
  return body;
}

/** The challenge of a refusal, in the scheme the token came with (a DPoP one names the accepted algs). */
function rejection(scheme: AuthorizationScheme, params: Record<string, string>): string {
  return challenge(scheme === 'DPoP' ? { ...params, algs: DPOP_ALGS_PARAM } : params, scheme);
}
