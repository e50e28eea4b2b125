import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';

/** GET /oauth/jwks: the active, next and not-yet-expired retired public keys. */
export async function jwksEndpoint(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  app.get(
    '/oauth/jwks',
    { schema: { summary: 'Public signing keys (JWKS)', tags: ['oauth'] } },
    async (_request, reply) => {
      // Short cache: a next key is published long before it signs, so clients never miss one.
      return reply
        .header('cache-control', 'public, max-age=300')
        .type('application/jwk-set+json')
        .send(await ctx.keys.jwks());
    },
  );
}
