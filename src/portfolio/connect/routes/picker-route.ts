import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { linkContext, widgetFrame } from '../link-context.ts';
import { sendPage, type PageDeps } from '../page-deps.ts';
import { pickerEntries } from '../picker-entries.ts';
import { pickerPage } from '../views/picker-view.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Query = Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) });

/** GET /connect/link/:id — the "Choose" step: the provider picker, `?q=` filtering it on the server. */
export function pickerRoute(fastify: FastifyInstance, deps: PageDeps): void {
  const { catalog, settings } = deps.portfolio;
  // The catalogue is fixed for the life of the process, and so are its tiles.
  const entries = pickerEntries(catalog, settings);
  fastify
    .withTypeProvider<TypeBoxTypeProvider>()
    .get(
      '/connect/link/:id',
      { schema: { params: Params, querystring: Query, hide: true } },
      async (request, reply) => {
        const found = await linkContext(deps, request.params.id, request, reply);
        if ('sent' in found) return found.sent;
        const [frame, linked] = await Promise.all([
          widgetFrame(deps, found, request, reply),
          deps.portfolio.connections.list(found.userId),
        ]);
        return sendPage(
          reply,
          200,
          pickerPage(frame, { entries, query: request.query.q ?? '', linkedCount: linked.length }),
        );
      },
    );
}
