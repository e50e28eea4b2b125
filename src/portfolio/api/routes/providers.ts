import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { LinkInput } from '../../connections/link-input.ts';
import { badRequest, withEndUserCode } from '../../errors.ts';
import { noteItems, personOf, sendEnvelope, type ApiDeps, type ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses } from '../schemas/common.ts';
import {
  AddProvidersBody,
  AddProvidersDataSchema,
  ConnectedProviderSchema,
  DeleteProvidersBody,
  DeleteProvidersDataSchema,
} from '../schemas/providers.ts';
import { connectedProvider } from '../views.ts';
import { acceptJsonWithCsv, withHeldCsv } from '../csv-upload-body.ts';

/** GET / POST / DELETE of the person's providers (v1 `/provider`, v2 `/providers`). */
export async function providersRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const { portfolio } = deps;
  const path = version === 'v1' ? '/provider' : '/providers';
  const tags = [`platform ${version}`];
  const addBody = Envelope(
    Type.Union([AddProvidersDataSchema, Type.Array(AddProvidersDataSchema)]),
    'AddProvidersResponse',
  );

  app.get(
    path,
    {
      preHandler: deps.guard({ allOf: ['read:providers'] }),
      schema: {
        summary: 'List connected providers',
        tags,
        response: {
          200: Envelope(Type.Object({ providers: Type.Array(ConnectedProviderSchema) }), 'ListProvidersResponse'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { connections } = await deps.viewOf(request);
      const degraded = await portfolio.providerStatus.degraded();
      noteItems(request, connections.length);
      return sendEnvelope(reply, 200, {
        providers: connections.map((c) => connectedProvider(c, portfolio.catalog, deps.kernel.config.ISSUER, degraded)),
      });
    },
  );

  // JSON escapes can double a CSV's size (every newline is \n); the CSV's own limit is checked after parsing.
  const bodyLimit = 2 * portfolio.settings.csvMaxBytes + 64 * 1024;
  // Its own scope: only this route reads JSON bodies through the CSV worker.
  await app.register(async (scope) => {
    acceptJsonWithCsv(scope, { bodyLimit, startWorker: () => portfolio.connections.csvWorker() });
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      path,
      {
        bodyLimit,
        preHandler: deps.guard({ allOf: ['write:providers'] }),
        schema: {
          summary:
            'Link one provider (or an array of them): 201 when every one was linked, 200 with a result per provider and `errors` for the failed ones, 4xx when none was',
          tags,
          body: AddProvidersBody,
          response: { 200: addBody, 201: addBody, ...errorResponses },
        },
      },
      async (request, reply) => {
        const body: LinkInput | LinkInput[] = request.body;
        const inputs = withHeldCsv(request, Array.isArray(body) ? body : [body]);
        const claims = request.accessToken!;
        const linked = await portfolio.connections.link(claims.sub, inputs);
        const { errors } = linked;
        // What an app links, it sees: added to its share when the person chose one for it.
        const made = linked.results.flatMap((r) =>
          r.networks ? r.networks.map((n) => n.connection_id) : r.connection_id ? [r.connection_id] : [],
        );
        await portfolio.sharing.shareLinkedByApp(claims.sub, claims.client_id, made);
        noteItems(request, made.length);
        // v1 also names an OAuth link's consent URL as Calico's v1 does (consent_url).
        const results =
          version === 'v1'
            ? linked.results.map((r) => (r.redirect_url ? { ...r, consent_url: r.redirect_url } : r))
            : linked.results;
        // sendEnvelope would make a 200 with errors a 206; partial linking is Calico's 200 with errors.
        return (
          reply
            // 201 only when everything was linked: an OAuth link waits for the exchange's consent (200 with redirect_url).
            .code(errors.length || !results.every((r) => r.added) ? 200 : 201)
            // link() answers one result per input, in order: a single input has exactly one.
            .send({ data: Array.isArray(body) ? results : results[0]!, errors: errors.map(withEndUserCode) })
        );
      },
    );
  });

  app.withTypeProvider<TypeBoxTypeProvider>().delete(
    path,
    {
      preHandler: deps.guard({ allOf: ['write:providers'] }),
      schema: {
        summary: 'Unlink providers by provider_ids or connection_ids',
        tags,
        body: DeleteProvidersBody,
        response: { 200: Envelope(DeleteProvidersDataSchema, 'DeleteProvidersResponse'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!body.provider_ids && !body.connection_ids) throw badRequest('send provider_ids or connection_ids');
      // Only what the app sees can it unlink: another connection is "not linked" (404) to it.
      const view = await deps.viewOf(request);
      const removed = await portfolio.connections.unlink(
        personOf(request),
        { providerIds: body.provider_ids, connectionIds: body.connection_ids },
        view.ids && new Set(view.ids),
      );
      noteItems(request, removed.length);
      return sendEnvelope(reply, 200, { deleted: removed.length > 0, connection_ids: removed });
    },
  );
}
