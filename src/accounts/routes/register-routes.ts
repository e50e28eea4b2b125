import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { internalsOf, type Accounts, type AccountsDeps } from '../create-accounts.ts';
import { messagePage } from '../pages/message-page.ts';
import { accountRoutes } from './account.ts';
import { resendCodeRoutes } from './resend-code.ts';
import { sendHtml } from './respond.ts';
import type { AccountSection, RouteDeps } from './route-deps.ts';
import { signinCodeRoutes } from './signin-code.ts';
import { signinRoutes } from './signin.ts';
import { signoutRoutes } from './signout.ts';

export type AccountsRoutesOptions = AccountsDeps & { accounts: Accounts; accountSections?: AccountSection[] };

/**
 * Registers /signin, /signin/code, /signin/resend, /signout and /account in their own
 * encapsulated context, so the CSRF hooks and the HTML error page never leak to other routes.
 * Paths are absolute: register without a prefix.
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
  });
}

/** Malformed input is a 400 page; anything unexpected is logged and shown as a generic 500. */
function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.validation ? 400 : (error.statusCode ?? 500);
  if (status >= 500) {
    request.log.error({ err: error }, 'accounts page failed');
    return sendHtml(reply, 500, messagePage('Something went wrong', 'We couldn’t complete that. Please try again in a moment.'));
  }
  if (status === 429) {
    const retryAfter = (error as FastifyError & { retryAfter?: number }).retryAfter ?? 60;
    reply.header('retry-after', String(retryAfter));
    return sendHtml(reply, 429, messagePage('Too many attempts', `Too many sign-in attempts from your network. Wait ${retryAfter} seconds and try again.`));
  }
  return sendHtml(reply, status, messagePage('That request didn’t work', 'Something in the form was missing or not valid. Go back and try again.'));
}
