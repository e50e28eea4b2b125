import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChallengeNotFound, CodeExpired, TooManyAttempts, type AccountsError } from '../errors.ts';
import { codePage } from '../pages/code-page.ts';
import { signinPage } from '../pages/signin-page.ts';
import { safeReturnTo } from '../return-to.ts';
import { readSessionToken, setSessionCookie } from '../sessions/session-cookie.ts';
import { asAccountsError, failureStatus } from './respond.ts';
import type { RouteDeps } from './route-deps.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';

const CodeQuery = Type.Object({
  challenge: Type.String({ maxLength: 100 }),
  return_to: Type.Optional(Type.String({ maxLength: 2048 })),
  resent: Type.Optional(Type.String({ maxLength: 1 })),
});

const CodeBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  challenge: Type.String({ maxLength: 100 }),
  code: Type.String({ maxLength: 100 }),
  return_to: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** GET /signin/code asks for the code; POST /signin/code checks it and starts the session. */
export async function signinCodeRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { config, csrf, services } = deps;
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.get('/signin/code', { schema: { querystring: CodeQuery } }, async (request, reply) => {
    const returnTo = safeReturnTo(request.query.return_to);
    const notice = request.query.resent ? 'We sent a new code. Earlier codes no longer work.' : undefined;
    return renderCodePage(deps, request, reply, { challengeId: request.query.challenge, returnTo, notice });
  });

  route.post(
    '/signin/code',
    { schema: { body: CodeBody }, preValidation: requireCsrf(csrf) },
    async (request, reply) => {
      const returnTo = safeReturnTo(request.body.return_to);
      try {
        const result = await services.signIn.completeSignIn(request.body.challenge, request.body.code, {
          userAgent: request.headers['user-agent'],
          ip: request.ip,
          previousToken: readSessionToken(request),
        });
        setSessionCookie(reply, config, result.token, config.SESSION_TTL_SECONDS);
        csrf.rotate(reply);
        request.log.info({ userId: result.user.id, sessionId: result.session.sessionId }, 'signed in');
        return seeOther(reply, returnTo);
      } catch (caught) {
        const error = asAccountsError(caught);
        return renderCodePage(deps, request, reply, { challengeId: request.body.challenge, returnTo, error });
      }
    },
  );
}

interface CodePageState {
  challengeId: string;
  returnTo: string;
  error?: AccountsError;
  notice?: string | undefined;
}

/** The code page for a challenge, or the sign-in page when the challenge is unknown. */
export async function renderCodePage(
  { csrf, services }: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  { challengeId, returnTo, error, notice }: CodePageState,
): Promise<FastifyReply> {
  const csrfToken = csrf.token(request, reply);
  const challenge = await services.signIn.describeChallenge(challengeId);
  if (!challenge) {
    const missing = new ChallengeNotFound();
    const passkeys = Boolean(services.passkeys);
    return sendPage(reply, 400, signinPage({ csrfToken, returnTo, error: missing.message, passkeys }));
  }
  // Coming back to a dead challenge without having submitted anything: say so up front.
  const shown =
    error ??
    (challenge.state === 'expired'
      ? new CodeExpired()
      : challenge.state === 'locked'
        ? new TooManyAttempts()
        : undefined);
  const status = error ? failureStatus(reply, error) : 200;
  const dead = shown instanceof CodeExpired || shown instanceof TooManyAttempts;
  return sendPage(reply, status, codePage({ csrfToken, returnTo, challenge, error: shown?.message, notice, dead }));
}
