import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InvalidPersonalToken } from '../../oauth/index.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { signedIn, toSignIn } from '../signed-in.ts';
import { NOT_FOUND, statusPage } from '../../ui/status-page.ts';
import type { WebDeps } from '../web-deps.ts';
import type { Flash } from './flash.ts';
import { isProductScope } from './scope-groups.ts';
import { newTokenPage, TOKEN_EXPIRY_CHOICES, type TokenForm, type TokenPageView } from './token-page.ts';

const TokenBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  name: Type.Optional(Type.String({ maxLength: 1000 })),
  scopes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
  expires_in: Type.Optional(Type.String({ maxLength: 20 })),
});
const TokenParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CsrfBody = Type.Object({ csrf: Type.Optional(Type.String()) });

/** Personal access tokens: create (shown once on /developers), revoke. */
export async function tokenRoutes(
  app: FastifyInstance,
  { kernel, oauth, accounts, csrf }: WebDeps,
  flash: Flash,
): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const guarded = { preValidation: requireCsrf(csrf) };

  route.get('/developers/tokens/new', { schema: { hide: true } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/developers/tokens/new');
    const form: TokenForm = { name: '', scopes: [], expiresIn: '90d' };
    return sendPage(
      reply,
      200,
      newTokenPage({ user: who.user, csrfToken: csrf.token(request, reply), registry: kernel.registry, form }),
    );
  });

  route.post('/developers/tokens', { ...guarded, schema: { hide: true, body: TokenBody } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/developers/tokens/new');
    const form: TokenForm = {
      name: request.body.name ?? '',
      scopes: [...new Set(request.body.scopes ?? [])],
      expiresIn: request.body.expires_in ?? '',
    };
    const errors: NonNullable<TokenPageView['errors']> = {};
    const name = form.name.trim();
    if (!name || name.length > 100) errors.name = 'Give the token a name of at most 100 characters.';
    if (form.scopes.length === 0) errors.scopes = 'Choose at least one scope.';
    else if (form.scopes.some((scope) => !isProductScope(kernel.registry, scope)))
      errors.scopes = 'Choose among the API scopes listed.';
    const expiry = TOKEN_EXPIRY_CHOICES.find((choice) => choice.value === form.expiresIn);
    if (!expiry) errors.form = 'Choose when the token expires.';
    const refuse = () =>
      sendPage(
        reply,
        400,
        newTokenPage({
          user: who.user,
          csrfToken: csrf.token(request, reply),
          registry: kernel.registry,
          form,
          errors,
        }),
      );
    if (Object.keys(errors).length > 0 || !expiry) return refuse();
    try {
      const created = await oauth.personalTokens.create({
        userId: who.user.id,
        name,
        scopes: form.scopes,
        ...(expiry.seconds ? { ttlSeconds: expiry.seconds } : {}),
      });
      flash.put(reply, 'personal_token', created.id, created.token);
      request.log.info({ tokenId: created.id, userId: who.user.id }, 'personal access token created');
      return seeOther(reply, '/developers#tokens-heading');
    } catch (error) {
      if (!(error instanceof InvalidPersonalToken)) throw error;
      errors.form = 'That token could not be created. Check the name and scopes.';
      return refuse();
    }
  });

  route.post(
    '/developers/tokens/:id/revoke',
    { ...guarded, schema: { hide: true, params: TokenParams, body: CsrfBody } },
    async (request, reply) => {
      const who = await signedIn(accounts, request);
      if (!who) return toSignIn(reply, '/developers');
      if (!(await oauth.personalTokens.revoke(who.user.id, request.params.id)))
        return sendPage(reply, 404, statusPage(NOT_FOUND));
      request.log.info({ tokenId: request.params.id, userId: who.user.id }, 'personal access token revoked');
      return seeOther(reply, '/developers?revoked=token#tokens-heading');
    },
  );
}
