import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth-context.ts';
import type { ProductDefinition, TokenProfile } from '../../../kernel/scope-registry.ts';
import { requireToken } from '../guard.ts';
import { TokenRejected } from '../token-rejected.ts';

/**
 * A minimal protected resource that echoes what a token says about its bearer. It lets an app
 * (or an MCP client, or /try) prove the whole discovery → registration → authorization → call
 * chain without any product, and shows the 401 + RFC 9728 challenge a resource must send.
 */
/** An hour of access and 30 days of refresh, the old pair revoked on rotation (what it had when it borrowed caledee's). */
const whoamiProfile: TokenProfile = {
  name: 'whoami',
  accessTtl: 60 * 60,
  refreshTtl: 30 * 86_400,
  revokeOldAccessOnRotation: true,
};

export const whoamiResource: ProductDefinition = {
  name: 'whoami',
  scopes: [],
  resources: [{ path: '/api/whoami', name: 'Consentry token echo', profile: whoamiProfile, scopes: [] }],
};

export async function whoamiRoutes(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof TokenRejected) {
      return reply
        .code(error.status)
        .header('www-authenticate', error.wwwAuthenticate)
        .send({ error: error.code ?? 'invalid_token', error_description: error.description });
    }
    throw error;
  });
  app.get(
    '/api/whoami',
    {
      preHandler: requireToken(ctx, `${ctx.config.ISSUER}/api/whoami`),
      schema: {
        summary: "Echo the access token's subject, client and scopes",
        tags: ['resources'],
        security: [{ bearer: [] }],
      },
    },
    async (request) => {
      const token = request.accessToken!;
      return { sub: token.sub, client_id: token.client_id, scope: token.scope, aud: token.aud, exp: token.exp };
    },
  );
}
