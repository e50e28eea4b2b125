import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { tokenKey } from '../../kernel/crypto/tokens.ts';
import { authenticateClient, credentialsOf } from '../clients/authenticate-client.ts';
import { InvalidClient, InvalidRequest } from '../errors.ts';
import { InvalidAccessToken } from '../tokens/access-token.ts';
import { formReadInHandler, readFormParams } from './read-params.ts';
import { TokenOnlyBody } from './schemas.ts';

const INACTIVE = { active: false } as const;

/**
 * POST /oauth/introspect (RFC 7662): the caller authenticates as a client and sees only tokens
 * issued to itself; everything else — unknown, expired, revoked, foreign — is
 * `{"active": false}`. Revocation is read fresh, never from a cache.
 */
export async function introspectEndpoint(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  app.post(
    '/oauth/introspect',
    {
      ...formReadInHandler,
      schema: {
        summary: 'Token introspection (RFC 7662)',
        tags: ['oauth'],
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenOnlyBody,
      },
    },
    async (request, reply) => {
      const { single } = readFormParams(request);
      const client = await authenticateClient(credentialsOf(request.headers.authorization, single), ctx.clientAuth);
      if (client.type === 'public') throw new InvalidClient('introspection needs a client that can authenticate');
      const token = single.token;
      if (!token) throw new InvalidRequest('token is required');
      const body = token.startsWith('rt_')
        ? await introspectRefreshToken(ctx, token, client.id)
        : await introspectAccessToken(ctx, token, client.id);
      return reply.header('cache-control', 'no-store').send(body);
    },
  );
}

async function introspectAccessToken(
  ctx: OAuthContext,
  token: string,
  clientId: string,
): Promise<Record<string, unknown>> {
  try {
    const claims = await ctx.accessTokens.verify(token, undefined, ctx.clock.now());
    if (claims.client_id !== clientId) return INACTIVE;
    if (await ctx.revocations.isRevoked({ fam: claims.fam, jti: claims.jti }, true)) return INACTIVE;
    // RFC 9449 §6.2: a DPoP-bound token says so, with the key it is bound to.
    const jkt = claims.cnf?.jkt;
    return {
      active: true,
      token_type: jkt ? 'DPoP' : 'Bearer',
      ...(jkt ? { cnf: { jkt } } : {}),
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    };
  } catch (error) {
    if (error instanceof InvalidAccessToken) return INACTIVE;
    throw error;
  }
}

async function introspectRefreshToken(
  ctx: OAuthContext,
  token: string,
  clientId: string,
): Promise<Record<string, unknown>> {
  const hash = tokenKey(token);
  const record = await ctx.tokenStore.read((tx) => tx.families.findRefreshToken(hash));
  const now = ctx.clock.now();
  if (!record || record.family.clientId !== clientId) return INACTIVE;
  if (record.status !== 'active' || record.family.revokedAt !== null || record.expiresAt <= now) return INACTIVE;
  return {
    active: true,
    token_type: 'refresh_token',
    scope: record.scopes.join(' '),
    client_id: clientId,
    sub: record.family.userId ?? clientId,
    iss: ctx.config.ISSUER,
    exp: Math.floor(record.expiresAt / 1000),
    iat: Math.floor(record.createdAt / 1000),
    ...(record.dpopJkt ? { cnf: { jkt: record.dpopJkt } } : {}),
  };
}
