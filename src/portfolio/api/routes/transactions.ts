import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../errors.ts';
import { pageLimit, parseListQuery } from '../../reads/list-query.ts';
import { providerErrors } from '../../reads/provider-errors.ts';
import { noteItems, personOf, sendEnvelope, withinView, type ApiDeps, type ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses, ListQuerySchema } from '../schemas/common.ts';
import { GetTransactionsDataSchema } from '../schemas/ledger.ts';

/** GET /transactions: normalized history, newest first, paged with a keyset cursor (v1 and v2). */
export async function transactionsRoute(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const { portfolio } = deps;
  const body = Envelope(GetTransactionsDataSchema, 'GetTransactionsResponse');
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/transactions',
    {
      preHandler: deps.guard({ allOf: ['read:transactions'] }),
      schema: {
        summary: 'Transactions',
        tags: [`platform ${version}`],
        querystring: ListQuerySchema(true),
        response: { 200: body, 206: body, ...errorResponses },
      },
    },
    async (request, reply) => {
      const userId = personOf(request);
      const query = parseListQuery(request.query, portfolio.catalog, true);
      const state = query.cursor ? portfolio.cursors.decode(query.cursor) : undefined;
      if (state && typeof state.after.t !== 'number') throw badRequest('cursor does not belong to /transactions');
      const filter = state?.filter ?? query.filter;
      const after = state ? { timestamp: state.after.t!, id: state.after.id } : undefined;
      const limit = pageLimit(query, state);
      const view = await deps.viewOf(request);
      const page = await portfolio.transactionsReader.read(userId, withinView(filter, view), after, limit);
      const errors = providerErrors(view.connections, filter.providerIds);
      const next = page.nextAfter
        ? portfolio.cursors.encode({ after: { t: page.nextAfter.timestamp, id: page.nextAfter.id }, filter, limit })
        : null;
      const data = { transactions: page.transactions, page: { next_cursor: next, has_more: next !== null, limit } };
      noteItems(request, page.transactions.length);
      return sendEnvelope(reply, 200, data, errors);
    },
  );
}
