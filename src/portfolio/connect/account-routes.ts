import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { ACCOUNT_BASE } from './account-section.ts';
import { csvInput, walletInput } from './form-input.ts';
import { problems } from './link-forms.ts';
import {
  acceptMultipart,
  heldCsv,
  removeConnection,
  sendPage,
  tryLink,
  verifiedForm,
  type PageDeps,
} from './page-deps.ts';

const RemoveParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** The /account block's forms: add a wallet or CSV, remove a linked provider (asked first: account-sharing-routes.ts). */
export async function accountPortfolioRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  acceptMultipart(app, deps);
  for (const kind of ['wallet', 'csv'] as const) {
    app.post(`${ACCOUNT_BASE}/${kind}`, { schema: { hide: true } }, async (request, reply) => {
      const form = verifiedForm(deps, request, reply);
      if (!form) return reply;
      const session = await deps.accounts.sessions.current(request);
      if (!session) return reply.redirect('/signin?return_to=/account', 303);
      const result = await tryLink(
        deps,
        session.userId,
        kind === 'wallet' ? walletInput(form) : csvInput(form, heldCsv(request)),
      );
      if (result.errors.length === 0) return reply.redirect('/account', 303);
      return sendPage(
        reply,
        result.status,
        page({
          title: 'Could not link',
          nav: 'account',
          body: html`<h1>Could not link</h1>${problems(result.errors)}<p><a href="/account">Back to your account</a></p>`,
        }),
      );
    });
  }
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post(
      `${ACCOUNT_BASE}/connections/:id/remove`,
      { schema: { params: RemoveParams, hide: true } },
      async (request, reply) => {
        if (!verifiedForm(deps, request, reply)) return reply;
        const session = await deps.accounts.sessions.current(request);
        if (!session) return reply.redirect('/signin?return_to=/account', 303);
        await removeConnection(deps, session.userId, request.params.id);
        return reply.redirect('/account?portfolio=removed#providers-heading', 303);
      },
    );
}
