import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { perIpLimit } from '../../../kernel/http/rate-limit.ts';
import { seeOther, sendPage } from '../../../ui/respond.ts';
import { requireCsrf } from '../../../ui/require-csrf.ts';
import { PasskeyChallengeExpired } from '../../errors.ts';
import { signinPage } from '../../pages/signin-page.ts';
import { safeReturnTo } from '../../return-to.ts';
import { asAccountsError, failureStatus } from '../../routes/respond.ts';
import type { RouteDeps } from '../../routes/route-deps.ts';
import { readSessionToken, setSessionCookie } from '../../sessions/session-cookie.ts';
import type { PasskeyServices } from '../create-passkeys.ts';
import { passkeyFlowOf, startPasskeyFlow } from '../flow-cookie.ts';
import { parseAuthenticationAnswer, PASSKEY_ANSWER_MAX_LENGTH } from '../passkey-answer.ts';
import { logPasskeyRefusal } from './log-refusal.ts';
import { renderJsonError, requireJsonCsrf } from './json-replies.ts';

const OptionsBody = Type.Object({ csrf: Type.Optional(Type.String({ maxLength: 200 })) });

const AnswerBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  return_to: Type.Optional(Type.String({ maxLength: 2048 })),
  credential: Type.String({ maxLength: PASSKEY_ANSWER_MAX_LENGTH }),
});

/**
 * POST /signin/passkey/options (JSON, for the page script) starts a ceremony; POST /signin/passkey
 * (the form the script submits) checks the answer and starts the session exactly as a code
 * does: new session cookie, CSRF seed rotated, 303 to `return_to`. Both are limited per IP as
 * the code sign-in is.
 */
export async function signinPasskeyRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { passkeys: PasskeyServices },
): Promise<void> {
  const { config, csrf, services, passkeys } = deps;
  const limit = perIpLimit(config.SIGNIN_RATE_LIMIT_PER_MINUTE);

  await app.register(async (json) => {
    json.setErrorHandler(renderJsonError);
    json
      .withTypeProvider<TypeBoxTypeProvider>()
      .post(
        '/signin/passkey/options',
        { schema: { hide: true, body: OptionsBody }, preValidation: requireJsonCsrf(csrf), config: limit },
        async (request, reply) => {
          const options = await passkeys.signIn.options(startPasskeyFlow(request, reply, config));
          return reply.header('cache-control', 'no-store').send({ options });
        },
      );
  });

  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post(
      '/signin/passkey',
      { schema: { hide: true, body: AnswerBody }, preValidation: requireCsrf(csrf), config: limit },
      async (request, reply) => {
        const returnTo = safeReturnTo(request.body.return_to);
        try {
          const flowHash = passkeyFlowOf(request, config);
          if (!flowHash) throw new PasskeyChallengeExpired();
          const answer = parseAuthenticationAnswer(request.body.credential);
          const result = await services.signIn.completePasskeySignIn(flowHash, answer, {
            userAgent: request.headers['user-agent'],
            ip: request.ip,
            previousToken: readSessionToken(request),
          });
          setSessionCookie(reply, config, result.token, config.SESSION_TTL_SECONDS);
          csrf.rotate(reply);
          request.log.info(
            {
              userId: result.user.id,
              sessionId: result.session.sessionId,
              passkeyId: result.passkeyId,
              method: 'passkey',
            },
            'signed in',
          );
          return seeOther(reply, returnTo);
        } catch (caught) {
          const error = asAccountsError(caught);
          logPasskeyRefusal(request.log, 'sign-in', error);
          const body = signinPage({
            csrfToken: csrf.token(request, reply),
            returnTo,
            passkeys: true,
            passkeyError: error.message,
          });
          return sendPage(reply, failureStatus(reply, error), body);
        }
      },
    );
}
