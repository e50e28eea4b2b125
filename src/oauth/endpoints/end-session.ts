import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/index.ts';
import type { Csrf } from '../../ui/csrf.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { BACK_TO_APP_HINT, statusPage } from '../../ui/status-page.ts';
import { OAuthError } from '../errors.ts';
import {
  hintMatchesSession,
  LogoutRequestRefused,
  postLogoutLocation,
  readEndSessionRequest,
  type EndSessionRequest,
} from '../logout/end-session-request.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { logoutConfirmPage, signedOutPage } from '../pages/logout-pages.ts';
import { readParams } from './read-params.ts';

export const END_SESSION_PATH = '/oauth/end_session';

/**
 * RP-Initiated Logout 1.0: GET or POST /oauth/end_session. A request whose `id_token_hint` was
 * issued in this browser's session (or to this person, for a hint without `sid`) signs out at
 * once; any other asks "Sign out of Consentry?" first (§2 leaves it to the OP), so a stray link
 * cannot sign a person out. The browser then returns to the registered
 * `post_logout_redirect_uri` with `state`, or sees "You are signed out". A bad request is a page,
 * never a redirect.
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 */
export async function endSessionEndpoints(
  app: FastifyInstance,
  ctx: OAuthContext,
  accounts: Accounts,
  csrf: Csrf,
): Promise<void> {
  const handle = async (request: FastifyRequest, reply: FastifyReply, source: unknown) => {
    try {
      const logout = await readEndSessionRequest(ctx, readParams(source, []).single);
      const session = await accounts.sessions.current(request);
      if (!session && request.method === 'POST') {
        // A cross-site form POST carries no SameSite=Lax cookie: a top-level GET does, so the
        // same (already checked) request continues there, where the session is visible.
        return seeOther(reply, `${END_SESSION_PATH}?${new URLSearchParams(source as Record<string, string>)}`);
      }
      if (session && !hintMatchesSession(logout.hint, session)) return confirm(request, reply, logout);
      return await finish(request, reply, logout);
    } catch (error) {
      return refuse(error, reply);
    }
  };

  const confirm = (request: FastifyRequest, reply: FastifyReply, logout: EndSessionRequest) =>
    sendPage(
      reply,
      200,
      logoutConfirmPage({
        csrfToken: csrf.token(request, reply),
        appName: logout.client?.name,
        clientId: logout.client?.id,
        postLogoutRedirectUri: logout.postLogoutRedirectUri,
        state: logout.state,
      }),
    );

  /** Signs the browser out (as /signout does; back-channel logout follows) and leaves. */
  const finish = async (request: FastifyRequest, reply: FastifyReply, logout: EndSessionRequest) => {
    await accounts.sessions.signOutBrowser(request, reply);
    const location = postLogoutLocation(logout);
    return location ? seeOther(reply, location) : sendPage(reply, 200, signedOutPage());
  };

  const schema = { summary: 'End session (RP-Initiated Logout)', tags: ['oauth'] };
  app.get(END_SESSION_PATH, { schema, config: { htmlErrors: true } }, (request, reply) =>
    handle(request, reply, request.query),
  );
  app.post(END_SESSION_PATH, { schema, config: { htmlErrors: true } }, (request, reply) =>
    handle(request, reply, request.body),
  );

  app.post(
    `${END_SESSION_PATH}/confirm`,
    { schema: { hide: true }, config: { htmlErrors: true }, preValidation: requireCsrf(csrf) },
    async (request, reply) => {
      try {
        // Checked again: the hidden fields came back through the browser. The hint was checked
        // before the page was shown; without it the app is named by client_id.
        const params = readParams(request.body, []).single;
        return await finish(request, reply, await readEndSessionRequest(ctx, params));
      } catch (error) {
        return refuse(error, reply);
      }
    },
  );
}

function refuse(error: unknown, reply: FastifyReply): FastifyReply {
  if (!(error instanceof LogoutRequestRefused) && !(error instanceof OAuthError)) throw error;
  const message = error instanceof OAuthError ? error.description : error.message;
  return sendPage(
    reply,
    400,
    statusPage({ title: 'This sign-out request cannot continue', message, link: null, hint: BACK_TO_APP_HINT }),
  );
}
