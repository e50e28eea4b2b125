import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors.ts';
import { connectAssetRoutes } from './assets/connect-assets.ts';
import { linkBase, linkContext } from './link-context.ts';
import { messagePage, oauthDonePage } from './link-page.ts';
import { acceptMultipart, removeConnection, sendPage, verifiedForm, type PageDeps } from './page-deps.ts';
import { pickerRoute } from './routes/picker-route.ts';
import { progressEventsRoute } from './routes/progress-events.ts';
import { progressRoutes } from './routes/progress-routes.ts';
import { providerRoutes } from './routes/provider-routes.ts';

export { LINK_STEP } from './link-context.ts';
const RemoveParams = Type.Object({ id: Type.String({ maxLength: 64 }), connectionId: Type.String({ maxLength: 64 }) });
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 2000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 2000 })),
});

/**
 * The Connect widget's step: choose a provider (routes/picker-route.ts), link it
 * (routes/provider-routes.ts), watch it sync (routes/progress-routes.ts and its event stream),
 * then share; here the exchanges' OAuth callback, remove and continue.
 */
export async function connectRoutes(fastify: FastifyInstance, deps: PageDeps): Promise<void> {
  acceptMultipart(fastify, deps);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = linkBase;
  await connectAssetRoutes(fastify);
  pickerRoute(fastify, deps);
  providerRoutes(fastify, deps);
  progressRoutes(fastify, deps);
  progressEventsRoute(fastify, deps);

  /** The pending authorization and the signed-in person, or the reply that was sent instead. */
  const context = (id: string, request: FastifyRequest, reply: FastifyReply) => linkContext(deps, id, request, reply);

  // Where the exchange sends the person back (the redirect URI Consentry registers there). The
  // signed-in person must be the one who began the link: a link begun by someone else (a
  // forged consent URL) is refused, so nobody's exchange account lands in another's portfolio.
  app.get(
    '/connect/oauth/callback/:provider',
    {
      schema: {
        params: Type.Object({ provider: Type.String({ maxLength: 64 }) }),
        querystring: CallbackQuery,
        hide: true,
      },
    },
    async (request, reply) => {
      const provider = deps.portfolio.catalog.find(request.params.provider);
      const name = provider?.name ?? 'The exchange';
      const session = await deps.accounts.sessions.current(request);
      if (!session) return reply.redirect(`/signin?return_to=${encodeURIComponent(request.url)}`, 303);
      const { code, state, error } = request.query;
      if (error || !code || !state) {
        const why =
          error === 'access_denied'
            ? `You did not allow ${name}; nothing was linked.`
            : `${name} did not finish the authorization (${error ?? 'no code'}); nothing was linked.`;
        return sendPage(reply, 400, messagePage(`${name} was not linked`, why));
      }
      try {
        const done = await deps.portfolio.oauthLinks.finish(request.params.provider, state, code, session.userId);
        if (done.returnTo?.startsWith('/connect/link/')) return reply.redirect(done.returnTo, 303);
        return sendPage(reply, 200, oauthDonePage(name));
      } catch (failure) {
        if (!(failure instanceof ApiError)) throw failure;
        return sendPage(reply, failure.status, messagePage(`${name} was not linked`, failure.message));
      }
    },
  );

  app.post(
    '/connect/link/:id/connections/:connectionId/remove',
    { schema: { params: RemoveParams, hide: true } },
    async (request, reply) => {
      if (!verifiedForm(deps, request, reply)) return reply;
      const found = await context(request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      await removeConnection(deps, found.userId, request.params.connectionId);
      return reply.redirect(`${base(found.id)}/progress`, 303);
    },
  );
}
