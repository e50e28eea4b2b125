import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { pageLimit, parseListQuery } from '../../reads/list-query.ts';
import { providerErrors } from '../../reads/provider-errors.ts';
import { noteItems, personOf, sendEnvelope, withinView, type ApiDeps, type ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses, ListQuerySchema } from '../schemas/common.ts';
import { GetAssetsDataSchema } from '../schemas/ledger.ts';

/** GET /assets: consolidated positions, paged with a cursor (v1 too: `cursor` and `page` are additions to Calico's v1). */
export async function assetsRoute(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const { portfolio } = deps;
  const body = Envelope(GetAssetsDataSchema, 'GetAssetsResponse');
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/assets',
    {
      preHandler: deps.guard({ allOf: ['read:assets'] }),
      schema: {
        summary: 'User assets',
        tags: [`platform ${version}`],
        querystring: ListQuerySchema(true),
        response: { 200: body, 206: body, ...errorResponses },
      },
    },
    async (request, reply) => {
      const userId = personOf(request);
      const query = parseListQuery(request.query, portfolio.catalog, true);
      const state = query.cursor ? portfolio.cursors.decode(query.cursor) : undefined;
      const filter = state?.filter ?? query.filter;
      const limit = pageLimit(query, state);
      const view = await deps.viewOf(request);
      const page = await portfolio.assetsReader.read(userId, withinView(filter, view), state?.after.id, limit);
      const errors = providerErrors(view.connections, filter.providerIds);
      const next =
        page.nextAfter !== undefined
          ? portfolio.cursors.encode({ after: { id: page.nextAfter }, filter, limit })
          : null;
      const data = {
        assets: page.assets,
        total_value: page.total_value,
        page: { next_cursor: next, has_more: next !== null, limit },
      };
      noteItems(request, page.assets.length);
      return sendEnvelope(reply, 200, data, errors);
    },
  );
}
