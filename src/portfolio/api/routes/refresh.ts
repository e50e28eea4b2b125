import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { noteItems, personOf, sendEnvelope, type ApiDeps, type ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses } from '../schemas/common.ts';
import { RefreshResponseDataSchema } from '../schemas/ledger.ts';

const body = Envelope(RefreshResponseDataSchema, 'RefreshResponse');

/** POST /assets/refresh and /transactions/refresh (202, asynchronous); v2 GET /refresh/{id}. */
export async function refreshRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const { portfolio } = deps;
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = [`platform ${version}`];
  for (const kind of ['assets', 'transactions'] as const) {
    app.post(
      `/${kind}/refresh`,
      {
        preHandler: deps.guard({ allOf: [`read:${kind}`] }),
        schema: { summary: `Refresh ${kind} now (asynchronous)`, tags, response: { 202: body, ...errorResponses } },
      },
      async (request, reply) => {
        const { ids } = await deps.viewOf(request);
        const { view, skipped } = await portfolio.refreshes.request(personOf(request), kind, ids && new Set(ids));
        noteItems(request, view.connections.length);
        return sendEnvelope(reply, 202, view, skipped);
      },
    );
  }
  if (version === 'v2') {
    route.get(
      '/refresh/:refresh_id',
      {
        preHandler: deps.guard({ anyOf: ['read:assets', 'read:transactions'] }),
        schema: {
          summary: 'State of a refresh',
          tags,
          params: Type.Object({ refresh_id: Type.String({ maxLength: 100 }) }),
          response: { 200: body, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { ids } = await deps.viewOf(request);
        const view = await portfolio.refreshes.status(
          personOf(request),
          request.params.refresh_id,
          ids && new Set(ids),
        );
        noteItems(request, view.connections.length);
        return sendEnvelope(reply, 200, view);
      },
    );
  }
}
