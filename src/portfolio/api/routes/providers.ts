import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { LinkInput } from '../../connections/link-input.ts';
import { badRequest } from '../../errors.ts';
import { personOf, sendEnvelope, type ApiDeps, type ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses } from '../schemas/common.ts';
import { AddProvidersBody, AddProvidersDataSchema, ConnectedProviderSchema, DeleteProvidersBody, DeleteProvidersDataSchema } from '../schemas/providers.ts';
import { connectedProvider } from '../views.ts';

const CSV_BODY_LIMIT = 6 * 1024 * 1024;

/** GET / POST / DELETE of the person's providers (v1 `/provider`, v2 `/providers`). */
export async function providersRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const { portfolio } = deps;
  const path = version === 'v1' ? '/provider' : '/providers';
  const tags = [`platform ${version}`];

  app.get(path, {
    preHandler: deps.guard({ allOf: ['read:providers'] }),
    schema: { summary: 'List connected providers', tags, response: { 200: Envelope(Type.Object({ providers: Type.Array(ConnectedProviderSchema) }), 'ListProvidersResponse'), ...errorResponses } },
  }, async (request, reply) => {
    const connections = await portfolio.connections.list(personOf(request));
    return sendEnvelope(reply, 200, { providers: connections.map((c) => connectedProvider(c, portfolio.catalog)) });
  });

  app.post(path, {
    bodyLimit: CSV_BODY_LIMIT,
    preHandler: deps.guard({ allOf: ['write:providers'] }),
    schema: {
      summary: 'Link one provider (or an array of them); all or none are linked', tags, body: AddProvidersBody,
      response: { 201: Envelope(Type.Union([AddProvidersDataSchema, Type.Array(AddProvidersDataSchema)]), 'AddProvidersResponse'), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as LinkInput | LinkInput[];
    const results = await portfolio.connections.link(personOf(request), Array.isArray(body) ? body : [body]);
    return sendEnvelope(reply, 201, Array.isArray(body) ? results : results[0]);
  });

  app.delete(path, {
    preHandler: deps.guard({ allOf: ['write:providers'] }),
    schema: { summary: 'Unlink providers by provider_ids or connection_ids', tags, body: DeleteProvidersBody, response: { 200: Envelope(DeleteProvidersDataSchema, 'DeleteProvidersResponse'), ...errorResponses } },
  }, async (request, reply) => {
    const body = request.body as { provider_ids?: string[]; connection_ids?: string[] };
    if (!body.provider_ids && !body.connection_ids) throw badRequest('send provider_ids or connection_ids');
    const removed = await portfolio.connections.unlink(personOf(request), { providerIds: body.provider_ids, connectionIds: body.connection_ids });
    return sendEnvelope(reply, 200, { deleted: removed.length > 0, connection_ids: removed });
  });
}
