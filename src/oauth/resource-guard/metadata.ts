import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { DPOP_SIGNING_ALGS } from '../dpop/dpop-proof.ts';

/**
 * RFC 9728 protected-resource metadata, one document per registered resource at
 * /.well-known/oauth-protected-resource/<resource path>.
 */
export async function protectedResourceMetadataRoutes(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  for (const resource of ctx.registry.allResources()) {
    app.get(
      `/.well-known/oauth-protected-resource${resource.path}`,
      { schema: { summary: `Protected resource metadata: ${resource.name}`, tags: ['discovery'] } },
      async (_request, reply) => {
        return reply.header('cache-control', 'public, max-age=300').send({
          resource: resource.uri,
          resource_name: resource.name,
          authorization_servers: [ctx.config.ISSUER],
          scopes_supported: resource.scopes,
          bearer_methods_supported: ['header'],
          resource_signing_alg_values_supported: ['ES256'],
          // RFC 9728 §2: Bearer and DPoP-bound tokens are both accepted.
          dpop_signing_alg_values_supported: DPOP_SIGNING_ALGS,
          dpop_bound_access_tokens_required: false,
        });
      },
    );
  }
}
