import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { signinPage } from '../pages/signin-page.ts';
import { safeReturnTo } from '../return-to.ts';
import { perIpLimit } from '../../kernel/http/rate-limit.ts';
import { asAccountsError, codePageUrl, failureStatus } from './respond.ts';
import type { RouteDeps } from './route-deps.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';

const SigninQuery = Type.Object({
  return_to: Type.Optional(Type.String({ maxLength: 2048 })),
  login_hint: Type.Optional(Type.String({ maxLength: 320 })),
});

const SigninBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  identifier: Type.String({ maxLength: 1000 }),
  return_to: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** GET /signin shows "Email or phone number"; POST /signin sends a code and goes to the code page. */
export async function signinRoutes(app: FastifyInstance, { csrf, services, config }: RouteDeps): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.get('/signin', { schema: { querystring: SigninQuery } }, async (request, reply) => {
    const returnTo = safeReturnTo(request.query.return_to);
    return sendPage(
      reply,
      200,
      signinPage({
        csrfToken: csrf.token(request, reply),
        returnTo,
        identifier: request.query.login_hint,
        passkeys: Boolean(services.passkeys),
      }),
    );
  });

  route.post(
    '/signin',
    {
      schema: { body: SigninBody },
      preValidation: requireCsrf(csrf),
      config: perIpLimit(config.SIGNIN_RATE_LIMIT_PER_MINUTE),
    },
    async (request, reply) => {
      const returnTo = safeReturnTo(request.body.return_to);
      try {
        const challenge = await services.signIn.requestCode(request.body.identifier);
        return seeOther(reply, codePageUrl(challenge.challengeId, returnTo));
      } catch (caught) {
        const error = asAccountsError(caught);
        const status = failureStatus(reply, error);
        const body = signinPage({
          csrfToken: csrf.token(request, reply),
          returnTo,
          identifier: request.body.identifier,
          error: error.message,
          passkeys: Boolean(services.passkeys),
        });
        return sendPage(reply, status, body);
      }
    },
  );
}
