import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountRoutes } from './account/index.ts';
import { developerRoutes } from './developers/index.ts';
import { docsRoutes } from './docs/index.ts';
import { logoRoutes } from './logos/index.ts';
import { sendPage } from '../ui/respond.ts';
import { statusPage } from '../ui/status-page.ts';
import { tryAppEnabled, tryRoutes } from './try/index.ts';
import type { WebDeps } from './web-deps.ts';

/**
 * The console pages — /account/profile and session sign-outs, /developers, /logos, /docs and
 * (when enabled) /try — in their own encapsulated context with an HTML error page.
 */
export async function consoleRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(renderPageError);
    await accountRoutes(scope, deps);
    await developerRoutes(scope, deps);
    await logoRoutes(scope, deps);
    await docsRoutes(scope, deps);
    if (tryAppEnabled(deps.kernel.config)) await tryRoutes(scope, deps);
  });
}

/** Malformed input is a 400 page (never a 500); anything unexpected is logged, shown generically. */
function renderPageError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.validation ? 400 : (error.statusCode ?? 500);
  if (status >= 500) {
    request.log.error({ err: error }, 'page failed');
    return sendPage(
      reply,
      500,
      statusPage({
        title: 'Something went wrong',
        message: 'We couldn’t complete that. Please try again in a moment.',
      }),
    );
  }
  if (status === 429)
    return sendPage(reply, 429, statusPage({ title: 'Too many requests', message: 'Wait a minute and try again.' }));
  return sendPage(
    reply,
    status,
    statusPage({
      title: 'That request didn’t work',
      message: 'Something in the form or address was missing or not valid. Go back and try again.',
    }),
  );
}
