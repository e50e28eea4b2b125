import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { providerMetadata } from '../../catalog/provider-definition.ts';
import { sendEnvelope, type ApiDeps } from '../api-deps.ts';
import { Envelope, errorResponses } from '../schemas/common.ts';
import { ProviderMetadataSchema } from '../schemas/providers.ts';

/** GET /platform/v2/providers/catalog: every provider this deployment can link (any valid token). */
export async function catalogRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/providers/catalog',
    {
      preHandler: deps.guard({}, { person: false }),
      schema: {
        summary: 'Provider catalogue',
        tags: ['platform v2'],
        response: {
          200: Envelope(Type.Object({ providers: Type.Array(ProviderMetadataSchema) }), 'ListProvidersCatalogResponse'),
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      const degraded = await deps.portfolio.providerStatus.degraded();
      const providers = deps.portfolio.catalog
        .all()
        .map((p) =>
          providerMetadata(p, degraded.has(p.providerId) ? 'degraded' : 'available', deps.kernel.config.ISSUER),
        );
      return sendEnvelope(reply, 200, { providers });
    },
  );
}
