import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Accounts } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import type { Csrf } from '../../ui/csrf.ts';
import { revokeGrant } from '../consent/revoke-grant.ts';
import { sendPage } from '../../ui/respond.ts';
import { BACK_TO_APP_HINT, FORM_EXPIRED, statusPage } from '../../ui/status-page.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Form = Type.Object({ csrf: Type.Optional(Type.String({ maxLength: 200 })) });

/** POST /account/apps/:id/revoke — the "Revoke access" button of /account. */
export async function accountAppsEndpoint(
  app: FastifyInstance,
  ctx: OAuthContext,
  accounts: Accounts,
  csrf: Csrf,
): Promise<void> {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post(
      '/account/apps/:id/revoke',
      { schema: { params: Params, body: Form, hide: true } },
      async (request, reply) => {
        const { id } = request.params;
        if (!csrf.verify(request, request.body.csrf)) {
          return sendPage(reply, 403, statusPage({ ...FORM_EXPIRED, link: null, hint: BACK_TO_APP_HINT }));
        }
        const session = await accounts.sessions.current(request);
        if (!session) return reply.redirect('/signin?return_to=/account', 303);
        await revokeGrant(ctx, session.userId, id);
        return reply.redirect('/account', 303);
      },
    );
}
