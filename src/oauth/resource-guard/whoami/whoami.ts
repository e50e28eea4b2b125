import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.ts';
import type { ProductDefinition } from '../../../kernel/scope-registry.ts';
import { requireToken } from '../guard.ts';
import { TokenRejected } from '../token-rejected.ts';

/**
 * A minimal protected resource that echoes what a token says about its bearer. It lets an app
 * (or an MCP client, or /try) prove the whole discovery → registration → authorization → call
 * chain without any product, and shows the 401 + RFC 9728 challenge a resource must send.
 */
export const whoamiResource: ProductDefinition = {
  name: 'whoami',
  scopes: [],
  resources: [{ path: '/api/whoami', name: 'Consentry token echo', profile: 'caledee', scopes: [] }],
};

export async function whoamiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof TokenRejected) {
      return reply.code(error.status).header('www-authenticate', error.wwwAuthenticate).send({ error: error.code ?? 'invalid_token', error_description: error.description });
    }
    throw error;
  });
  app.get('/api/whoami', {
    preHandler: requireToken(ctx, `${ctx.config.ISSUER}/api/whoami`),
    schema: { summary: 'Echo the access token\'s subject, client and scopes', tags: ['resources'], security: [{ bearer: [] }] },
  }, async (request) => {
    const token = request.accessToken!;
    return { sub: token.sub, client_id: token.client_id, scope: token.scope, aud: token.aud, exp: token.exp };
  });
}
