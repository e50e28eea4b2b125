import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { perIpLimit } from '../../../kernel/http/rate-limit.ts';
import { describeUserAgent } from '../../../ui/describe-user-agent.ts';
import { seeOther, sendPage } from '../../../ui/respond.ts';
import { requireCsrf } from '../../../ui/require-csrf.ts';
import { InvalidPasskeyName } from '../../errors.ts';
import { asAccountsError } from '../../routes/respond.ts';
import type { RouteDeps } from '../../routes/route-deps.ts';
import type { SignedInSession } from '../../sessions/session-service.ts';
import type { User } from '../../users/user.ts';
import { NOT_FOUND, statusPage } from '../../../ui/status-page.ts';
import type { PasskeyServices } from '../create-passkeys.ts';
import { parseRegistrationAnswer, PASSKEY_ANSWER_MAX_LENGTH } from '../passkey-answer.ts';
import { removePasskeyPage, renamePasskeyPage } from '../pages/passkey-pages.ts';
import { logPasskeyRefusal } from './log-refusal.ts';
import { renderJsonError, requireJsonCsrf, sendJsonError } from './json-replies.ts';

const OptionsBody = Type.Object({ csrf: Type.Optional(Type.String({ maxLength: 200 })) });
const AddBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  name: Type.Optional(Type.String({ maxLength: 1000 })),
  credential: Type.String({ maxLength: PASSKEY_ANSWER_MAX_LENGTH }),
});
const PasskeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const RenameBody = Type.Object({ csrf: Type.Optional(Type.String()), name: Type.String({ maxLength: 1000 }) });
const CsrfBody = Type.Object({ csrf: Type.Optional(Type.String()) });

const backToPasskeys = (notice: string) => `/account?passkey=${notice}#passkeys-heading`;

/**
 * The passkeys of /account: POST /account/passkeys/options (JSON, for the page script) and
 * POST /account/passkeys add one; /account/passkeys/{id}/rename and …/remove (a confirmation
 * page, then a POST) change them. Every post carries the page's CSRF token.
 */
export async function accountPasskeyRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { passkeys: PasskeyServices },
): Promise<void> {
  const { accounts, services, csrf, config, passkeys } = deps;
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const guarded = { preValidation: requireCsrf(csrf) };

  const signedIn = async (request: FastifyRequest): Promise<{ user: User; session: SignedInSession } | undefined> => {
    const session = await accounts.sessions.current(request);
    const user = session && (await services.users.findById(session.userId));
    return session && user ? { user, session } : undefined;
  };
  const toSignIn = (reply: FastifyReply) => seeOther(reply, `/signin?return_to=${encodeURIComponent('/account')}`);

  await app.register(async (json) => {
    json.setErrorHandler(renderJsonError);
    json.withTypeProvider<TypeBoxTypeProvider>().post(
      '/account/passkeys/options',
      {
        schema: { hide: true, body: OptionsBody },
        preValidation: requireJsonCsrf(csrf),
        config: perIpLimit(config.SIGNIN_RATE_LIMIT_PER_MINUTE),
      },
      async (request, reply) => {
        const who = await signedIn(request);
        if (!who)
          return sendJsonError(reply, 401, 'signed_out', 'You were signed out. Sign in again to add a passkey.');
        try {
          const options = await passkeys.registration.options(who.user, who.session.sessionId);
          return reply.header('cache-control', 'no-store').send({ options });
        } catch (caught) {
          const error = asAccountsError(caught);
          return sendJsonError(reply, 400, error.code, error.message);
        }
      },
    );
  });

  route.post(
    '/account/passkeys',
    { ...guarded, schema: { hide: true, body: AddBody }, config: perIpLimit(config.SIGNIN_RATE_LIMIT_PER_MINUTE) },
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return toSignIn(reply);
      const name = request.body.name?.trim() || describeUserAgent(request.headers['user-agent'] ?? null);
      try {
        const answer = parseRegistrationAnswer(request.body.credential);
        const added = await passkeys.registration.register(who.user, who.session.sessionId, answer, name);
        request.log.info({ userId: who.user.id, passkeyId: added.id, synced: added.synced }, 'passkey added');
        return seeOther(reply, backToPasskeys('added'));
      } catch (caught) {
        const error = asAccountsError(caught);
        logPasskeyRefusal(request.log, 'registration', error);
        return sendPage(
          reply,
          400,
          statusPage({
            title: 'Your passkey wasn’t added',
            message: error.message,
            link: { href: '/account#passkeys-heading', text: 'Back to your account' },
          }),
        );
      }
    },
  );

  route.get(
    '/account/passkeys/:id/rename',
    { schema: { hide: true, params: PasskeyParams } },
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return toSignIn(reply);
      const passkey = await passkeys.list.find(who.user.id, request.params.id);
      if (!passkey) return sendPage(reply, 404, statusPage(NOT_FOUND));
      const csrfToken = csrf.token(request, reply);
      return sendPage(reply, 200, renamePasskeyPage({ user: who.user, passkey, csrfToken, value: passkey.name }));
    },
  );

  route.post(
    '/account/passkeys/:id/rename',
    { ...guarded, schema: { hide: true, params: PasskeyParams, body: RenameBody } },
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return toSignIn(reply);
      const passkey = await passkeys.list.find(who.user.id, request.params.id);
      if (!passkey) return sendPage(reply, 404, statusPage(NOT_FOUND));
      try {
        await passkeys.list.rename(who.user.id, passkey.id, request.body.name);
        return seeOther(reply, backToPasskeys('renamed'));
      } catch (caught) {
        if (!(caught instanceof InvalidPasskeyName)) throw caught;
        const page = renamePasskeyPage({
          user: who.user,
          passkey,
          csrfToken: csrf.token(request, reply),
          value: request.body.name,
          error: caught.message,
        });
        return sendPage(reply, 400, page);
      }
    },
  );

  route.get(
    '/account/passkeys/:id/remove',
    { schema: { hide: true, params: PasskeyParams } },
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return toSignIn(reply);
      const all = await passkeys.list.list(who.user.id);
      const passkey = all.find((p) => p.id === request.params.id);
      if (!passkey) return sendPage(reply, 404, statusPage(NOT_FOUND));
      const csrfToken = csrf.token(request, reply);
      return sendPage(reply, 200, removePasskeyPage({ user: who.user, passkey, csrfToken, lastOne: all.length === 1 }));
    },
  );

  route.post(
    '/account/passkeys/:id/remove',
    { ...guarded, schema: { hide: true, params: PasskeyParams, body: CsrfBody } },
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return toSignIn(reply);
      if (!(await passkeys.list.remove(who.user.id, request.params.id)))
        return sendPage(reply, 404, statusPage(NOT_FOUND));
      request.log.info({ userId: who.user.id, passkeyId: request.params.id }, 'passkey removed');
      return seeOther(reply, backToPasskeys('removed'));
    },
  );
}
