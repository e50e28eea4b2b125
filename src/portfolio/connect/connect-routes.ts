import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors.ts';
import { holdingsOf } from './holdings.ts';
import { apiKeyInput, csvInput, walletInput } from './form-input.ts';
import { linkPage, messagePage, oauthDonePage } from './link-page.ts';
import {
  acceptMultipart,
  heldCsv,
  removeConnection,
  sendPage,
  tryLink,
  verifiedForm,
  type PageDeps,
} from './page-deps.ts';
import { LINK_STEP } from './step-context.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const RemoveParams = Type.Object({ id: Type.String({ maxLength: 64 }), connectionId: Type.String({ maxLength: 64 }) });
const PageQuery = Type.Object({ added: Type.Optional(Type.String({ maxLength: 8 })) });
const ProviderParams = Type.Object({ id: Type.String({ maxLength: 64 }), provider: Type.String({ maxLength: 64 }) });
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 2000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** The Connect widget's step pages: /connect/link/:id (GET), its wallet, CSV and remove forms (choose-routes.ts finishes the step). */
export async function connectRoutes(fastify: FastifyInstance, deps: PageDeps): Promise<void> {
  acceptMultipart(fastify, deps);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = (id: string) => `/connect/link/${id}`;

  /** The pending authorization and the signed-in person, or the reply that was sent instead. */
  async function context(id: string, request: FastifyRequest, reply: FastifyReply) {
    const interaction = await deps.oauth.interactions.get(id);
    if (!interaction)
      return {
        sent: sendPage(reply, 400, messagePage('This request has expired', 'Go back to the app and start again.')),
      };
    const session = await deps.accounts.sessions.current(request);
    if (!session) return { sent: reply.redirect(`/signin?return_to=${encodeURIComponent(base(id))}`, 303) };
    if (!interaction.request.steps?.includes(LINK_STEP))
      return { sent: reply.redirect(`/oauth/interaction/${id}`, 303) };
    return { id, interaction, userId: session.userId };
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    clientId: string,
    userId: string,
    status: number,
    errors: string[] = [],
    added = false,
    openExchange?: string,
  ) {
    const [client, user, connections, holdings] = await Promise.all([
      deps.oauth.clients.findById(clientId),
      deps.accounts.users.findById(userId),
      deps.portfolio.connections.list(userId),
      holdingsOf(deps.portfolio, userId),
    ]);
    const notice = added ? 'Linked. It is being read now; you can add more or continue.' : undefined;
    return sendPage(
      reply,
      status,
      linkPage({
        interactionId: id,
        appName: client?.name ?? 'The app',
        signedInAs: user?.email ?? user?.phone ?? '',
        connections,
        holdings,
        catalog: deps.portfolio.catalog,
        csrfToken: deps.csrf.token(request, reply),
        errors,
        ...(notice && errors.length === 0 ? { notice } : {}),
        ...(openExchange ? { openExchange } : {}),
      }),
    );
  }

  app.get(
    '/connect/link/:id',
    { schema: { params: Params, querystring: PageQuery, hide: true } },
    async (request, reply) => {
      const found = await context(request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      const added = request.query.added !== undefined;
      return render(request, reply, found.id, found.interaction.request.clientId, found.userId, 200, [], added);
    },
  );

  for (const kind of ['wallet', 'csv', 'exchange'] as const) {
    app.post(`/connect/link/:id/${kind}`, { schema: { params: Params, hide: true } }, async (request, reply) => {
      const form = verifiedForm(deps, request, reply);
      if (!form) return reply;
      const found = await context(request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      const result = await tryLink(
        deps,
        found.userId,
        kind === 'wallet'
          ? walletInput(form)
          : kind === 'exchange'
            ? apiKeyInput(form)
            : csvInput(form, heldCsv(request)),
      );
      if (result.errors.length)
        return render(
          request,
          reply,
          found.id,
          found.interaction.request.clientId,
          found.userId,
          result.status,
          result.errors,
          result.status === 200,
          kind === 'exchange' ? form.provider_id : undefined,
        );
      return reply.redirect(`${base(found.id)}?added=1`, 303);
    });
  }

  // "Continue with <exchange>": a pending link, then the exchange's own consent page.
  app.post(
    '/connect/link/:id/oauth/:provider',
    { schema: { params: ProviderParams, hide: true } },
    async (request, reply) => {
      if (!verifiedForm(deps, request, reply)) return reply;
      const found = await context(request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      try {
        const { results } = await deps.portfolio.connections.link(found.userId, [
          {
            provider_id: request.params.provider,
            connection: { type: 'oauth2', return_to: `${base(found.id)}?added=1` },
          },
        ]);
        const url = results[0]?.redirect_url;
        if (url) return reply.redirect(url, 303);
        return render(request, reply, found.id, found.interaction.request.clientId, found.userId, 400, [
          'That exchange does not link through its own sign-in here; use an API key.',
        ]);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const messages = error.toItems().map((e) => e.message);
        return render(
          request,
          reply,
          found.id,
          found.interaction.request.clientId,
          found.userId,
          error.status,
          messages,
          false,
          request.params.provider,
        );
      }
    },
  );

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
      return reply.redirect(base(found.id), 303);
    },
  );
}
