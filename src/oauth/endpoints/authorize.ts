import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Accounts } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { newId, sha256 } from '../../kernel/crypto/tokens.ts';
import { perIpLimit } from '../../kernel/http/rate-limit.ts';
import { RedirectableError, validateAuthorizationRequest } from '../authorization/authorization-request.ts';
import { continueAuthorization } from '../authorization/continue-authorization.ts';
import { InteractionRepository } from '../authorization/interaction-repository.ts';
import { redirectBack } from '../authorization/redirect.ts';
import { resolveRequestParameters } from '../authorization/resolve-request-parameters.ts';
import { OAuthError, TooManyPendingRequests } from '../errors.ts';
import { BACK_TO_APP_HINT, statusPage } from '../../ui/status-page.ts';
import { readParams } from './read-params.ts';
import { AuthorizeQuery } from './schemas.ts';

/**
 * GET /oauth/authorize (and each product's alias, e.g. /connect): unwrap a pushed request or a
 * request object, validate, remember the request as an interaction, then let the person
 * sign in and consent (or answer at once when a session and a covering grant exist).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export async function authorizeEndpoint(app: FastifyInstance, ctx: OAuthContext, accounts: Accounts): Promise<void> {
  const interactions = new InteractionRepository(ctx.database.db);
  const entries = new Map<string, string[]>([['/oauth/authorize', []], ...ctx.registry.entryPoints()]);
  for (const [path, steps] of entries) {
    const summary = steps.length ? `Authorization endpoint with ${steps.join(', ')}` : 'Authorization endpoint';
    app.get(
      path,
      {
        schema: { summary, tags: ['oauth'], querystring: AuthorizeQuery },
        config: { htmlErrors: true, ...perIpLimit(ctx.config.AUTHORIZE_RATE_LIMIT_PER_MINUTE) },
      },
      async (request, reply) => {
        try {
          const { params, pushed } = await resolveRequestParameters(ctx, readParams(request.query));
          // A product's widget URL (Calico's /connect) carries no response_type; code is the only one.
          if (steps.length && params.single.response_type === undefined) params.single.response_type = 'code';
          const { request: authorization } = await validateAuthorizationRequest(ctx, params, {
            defaultScopes: ctx.registry.entryDefaultScopes(path),
            pushed,
          });
          if (steps.length) authorization.steps = [...steps];
          const now = ctx.clock.now();
          const requester = sha256(`ip:${request.ip}`);
          // A bound, not a lock: concurrent requests may pass it together, by a few.
          if ((await interactions.countPending(requester, now)) >= ctx.config.AUTHORIZE_MAX_PENDING_PER_IP)
            throw new TooManyPendingRequests();
          const interaction = {
            id: newId(),
            request: authorization,
            createdAt: now,
            expiresAt: now + ctx.config.INTERACTION_TTL_SECONDS * 1000,
            requester,
          };
          await interactions.insert(interaction);
          const session = await accounts.sessions.current(request);
          return reply.redirect(await continueAuthorization(ctx, interaction, session), 303);
        } catch (error) {
          return renderAuthorizationError(error, ctx, reply);
        }
      },
    );
  }
}

/** Errors either travel back to the client (with state and iss) or become a 400 page. */
export function renderAuthorizationError(error: unknown, ctx: OAuthContext, reply: FastifyReply): FastifyReply {
  if (error instanceof RedirectableError) {
    const params: Record<string, string> = { error: error.error.code, error_description: error.error.description };
    return reply.redirect(redirectBack(error.redirectUri, ctx.config.ISSUER, error.state, params), 303);
  }
  if (error instanceof TooManyPendingRequests) {
    return reply
      .code(429)
      .header('retry-after', '60')
      .type('text/html; charset=utf-8')
      .send(
        statusPage({
          title: 'Too many sign-in requests',
          message: error.description,
          link: null,
          hint: BACK_TO_APP_HINT,
        }),
      );
  }
  if (error instanceof OAuthError) {
    return reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send(
        statusPage({
          title: 'This request cannot continue',
          message: error.description,
          link: null,
          hint: BACK_TO_APP_HINT,
        }),
      );
  }
  throw error;
}
