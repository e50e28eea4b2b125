import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { tokenKey } from '../../kernel/crypto/tokens.ts';
import { authenticateClient, credentialsOf } from '../clients/authenticate-client.ts';
import { InvalidRequest } from '../errors.ts';
import { InvalidAccessToken } from '../tokens/access-token.ts';
import { formReadInHandler, readFormParams } from './read-params.ts';
import { TokenOnlyBody } from './schemas.ts';

/**
 * POST /oauth/revoke (RFC 7009): the client authenticates and may revoke only its own tokens;
 * unknown or foreign tokens still get 200. A refresh token takes its whole family with it
 * (every access token issued under that authorization); an access token is revoked alone.
 * `token_type_hint` only chooses which lookup runs first.
 */
export async function revokeEndpoint(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  app.post(
    '/oauth/revoke',
    {
      ...formReadInHandler,
      schema: {
        summary: 'Token revocation (RFC 7009)',
        tags: ['oauth'],
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenOnlyBody,
      },
    },
    async (request, reply) => {
      const { single } = readFormParams(request);
      const client = await authenticateClient(credentialsOf(request.headers.authorization, single), ctx.clientAuth);
      const token = single.token;
      if (!token) throw new InvalidRequest('token is required');
      const lookups = [() => revokeRefreshToken(ctx, token, client.id), () => revokeAccessToken(ctx, token, client.id)];
      if (single.token_type_hint === 'access_token') lookups.reverse();
      for (const lookup of lookups) {
        if (await lookup()) break;
      }
      return reply.header('cache-control', 'no-store').code(200).send();
    },
  );
}

async function revokeRefreshToken(ctx: OAuthContext, token: string, clientId: string): Promise<boolean> {
  if (!token.startsWith('rt_')) return false;
  const hash = tokenKey(token);
  const record = await ctx.tokenStore.read((tx) => tx.families.findRefreshToken(hash));
  if (!record || record.family.clientId !== clientId) return false;
  await ctx.revocations.revokeFamily(record.familyId);
  return true;
}

async function revokeAccessToken(ctx: OAuthContext, token: string, clientId: string): Promise<boolean> {
  try {
    const claims = await ctx.accessTokens.verify(token, undefined, ctx.clock.now());
    if (claims.client_id !== clientId) return false;
    await ctx.revocations.revokeAccessToken(claims.jti, claims.exp * 1000);
    return true;
  } catch (error) {
    if (error instanceof InvalidAccessToken) return false;
    throw error;
  }
}
