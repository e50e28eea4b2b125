import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Accounts } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import type { Csrf } from '../../ui/csrf.ts';
import { RedirectableError } from '../authorization/authorization-request.ts';
import {
  approveAuthorization,
  continueAuthorization,
  interactionPath,
} from '../authorization/continue-authorization.ts';
import { InteractionRepository } from '../authorization/interaction-repository.ts';
import { AccessDenied } from '../errors.ts';
import { consentPage } from '../pages/consent-page.ts';
import { sendPage } from '../../ui/respond.ts';
import { BACK_TO_APP_HINT, FORM_EXPIRED, statusPage } from '../../ui/status-page.ts';
import { renderAuthorizationError } from './authorize.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ConsentForm = Type.Object({
  csrf: Type.Optional(Type.String({ maxLength: 200 })),
  decision: Type.Optional(Type.String({ maxLength: 20 })),
});

/**
 * GET /oauth/interaction/:id shows the consent screen (after sign-in); POST records the
 * decision and answers with a 303 back to the client.
 */
export async function interactionEndpoints(
  app: FastifyInstance,
  ctx: OAuthContext,
  accounts: Accounts,
  csrf: Csrf,
): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const interactions = new InteractionRepository(ctx.database.db);
  const expired = (reply: FastifyReply) =>
    reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send(
        statusPage({
          title: 'This request has expired',
          message: 'The sign-in request is no longer valid.',
          link: null,
          hint: BACK_TO_APP_HINT,
        }),
      );

  route.get(
    '/oauth/interaction/:id',
    { schema: { params: Params, hide: true }, config: { htmlErrors: true } },
    async (request, reply) => {
      const { id } = request.params;
      const interaction = await interactions.find(id, ctx.clock.now());
      if (!interaction) return expired(reply);
      const session = await accounts.sessions.current(request);
      try {
        const next = await continueAuthorization(ctx, interaction, session);
        if (next !== interactionPath(id) || !session) return reply.redirect(next, 303);
        const client = await ctx.clients.findById(interaction.request.clientId);
        const user = await accounts.users.findById(session.userId);
        if (!client || !user) return expired(reply);
        const view = {
          client,
          redirectUri: interaction.request.redirectUri,
          scopes: interaction.request.scopes,
          interactionId: id,
          csrfToken: csrf.token(request, reply),
          signedInAs: user.email ?? user.phone ?? '',
        };
        return reply.type('text/html; charset=utf-8').send(consentPage(view, ctx.registry));
      } catch (error) {
        return renderAuthorizationError(error, ctx, reply);
      }
    },
  );

  route.post(
    '/oauth/interaction/:id',
    { schema: { params: Params, body: ConsentForm, hide: true }, config: { htmlErrors: true } },
    async (request, reply) => {
      const { id } = request.params;
      const form = request.body;
      if (!csrf.verify(request, form.csrf)) {
        return sendPage(reply, 403, statusPage({ ...FORM_EXPIRED, link: null, hint: BACK_TO_APP_HINT }));
      }
      const interaction = await interactions.find(id, ctx.clock.now());
      if (!interaction) return expired(reply);
      const session = await accounts.sessions.current(request);
      if (!session) return reply.redirect(await continueAuthorization(ctx, interaction, session), 303);
      if (form.decision !== 'approve' && form.decision !== 'deny') {
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(
            statusPage({
              title: 'Please choose',
              message: 'Choose Allow or Deny.',
              link: null,
              hint: BACK_TO_APP_HINT,
            }),
          );
      }
      if (!(await interactions.take(id))) return expired(reply);
      try {
        if (form.decision === 'deny')
          throw new RedirectableError(
            new AccessDenied('the person denied the request'),
            interaction.request.redirectUri,
            interaction.request.state,
          );
        return reply.redirect(await approveAuthorization(ctx, interaction, session), 303);
      } catch (error) {
        return renderAuthorizationError(error, ctx, reply);
      }
    },
  );
}
