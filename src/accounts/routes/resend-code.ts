import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { safeReturnTo } from '../return-to.ts';
import { perIpLimit } from '../../kernel/http/rate-limit.ts';
import { asAccountsError, codePageUrl } from './respond.ts';
import type { RouteDeps } from './route-deps.ts';
import { renderCodePage } from './signin-code.ts';
import { seeOther } from '../../ui/respond.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';

const ResendBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  challenge: Type.String({ maxLength: 100 }),
  return_to: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** POST /signin/resend: a new code to the same destination (throttled), shown on a fresh code page. */
export async function resendCodeRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.post(
    '/signin/resend',
    {
      schema: { body: ResendBody },
      preValidation: requireCsrf(deps.csrf),
      config: perIpLimit(deps.config.SIGNIN_RATE_LIMIT_PER_MINUTE),
    },
    async (request, reply) => {
      const returnTo = safeReturnTo(request.body.return_to);
      try {
        const next = await deps.services.signIn.resendCode(request.body.challenge);
        return seeOther(reply, codePageUrl(next.challengeId, returnTo, true));
      } catch (caught) {
        const error = asAccountsError(caught);
        return renderCodePage(deps, request, reply, { challengeId: request.body.challenge, returnTo, error });
      }
    },
  );
}
