import { asSentence } from '../../kernel/http/malformed-body.ts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { internalsOf, type Accounts, type AccountsDeps } from '../create-accounts.ts';
import { passkeyRoutes } from '../passkeys/routes/passkey-routes.ts';
import { accountRoutes } from './account.ts';
import { resendCodeRoutes } from './resend-code.ts';
import type { AccountSection, RouteDeps } from './route-deps.ts';
import { signinCodeRoutes } from './signin-code.ts';
import { signinRoutes } from './signin.ts';
import { signoutRoutes } from './signout.ts';
import { sendPage } from '../../ui/respond.ts';
import { SIGN_IN_LINK, statusPage } from '../../ui/status-page.ts';

export type AccountsRoutesOptions = AccountsDeps & { accounts: Accounts; accountSections?: AccountSection[] };

/**
 * Registers /signin, /signin/code, /signin/resend, /signout, /account and the passkey routes in
 * their own encapsulated context, so the CSRF hooks and the HTML error page never leak to other
 * routes. Paths are absolute: register without a prefix.
 */
export async function registerAccountsRoutes(app: FastifyInstance, options: AccountsRoutesOptions): Promise<void> {
  const deps: RouteDeps = {
    config: options.config,
    csrf: options.csrf,
    accounts: options.accounts,
    services: internalsOf(options.accounts),
    accountSections: options.accountSections ?? [],
  };
  await app.register(async (scope) => {
    scope.setErrorHandler(renderError);
    for (const routes of [signinRoutes, signinCodeRoutes, resendCodeRoutes, signoutRoutes, accountRoutes]) {
      await routes(scope, deps);
    }
    await passkeyRoutes(scope, deps);
  });
}

/** Malformed input is a 400 page; anything unexpected is logged and shown as a generic 500. */
function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.validation ? 400 : (error.statusCode ?? 500);
  if (status >= 500) {
    request.log.error({ err: error }, 'accounts page failed');
    return sendPage(
      reply,
      500,
      statusPage({
        title: 'Something went wrong',
        message: 'We couldn’t complete that. Please try again in a moment.',
        link: SIGN_IN_LINK,
      }),
    );
  }
  if (status === 429) {
    const retryAfter = (error as FastifyError & { retryAfter?: number }).retryAfter ?? 60;
    reply.header('retry-after', String(retryAfter));
    return sendPage(
      reply,
      429,
      statusPage({
        title: 'Too many attempts',
        message: `Too many sign-in attempts from your network. Wait ${retryAfter} seconds and try again.`,
        link: SIGN_IN_LINK,
      }),
    );
  }
  return sendPage(
    reply,
    status,
    statusPage({
      title: 'That request didn’t work',
      message:
        error.code === 'CONSENTRY_MALFORMED_BODY'
          ? asSentence(error.message)
          : 'Something in the form was missing or not valid. Go back and try again.',
      link: SIGN_IN_LINK,
    }),
  );
}
