import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sendPage } from '../../ui/respond.ts';
import { signedIn, toSignIn } from '../signed-in.ts';
import type { WebDeps } from '../web-deps.ts';
import { appRoutes } from './app-routes.ts';
import { Flash } from './flash.ts';
import { dashboardPage } from './pages.ts';
import { tokenRoutes } from './token-routes.ts';

const DashboardQuery = Type.Object({
  deleted: Type.Optional(Type.String({ maxLength: 10 })),
  revoked: Type.Optional(Type.String({ maxLength: 10 })),
});

const NOTICES = new Map([
  ['app', 'The app was deleted.'],
  ['token', 'The token was revoked. It no longer works.'],
]);

/** Settings → Developers: signed-in only; every app and token belongs to the person who made it. */
export async function developerRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { kernel, oauth, accounts, csrf } = deps;
  const flash = new Flash(kernel.secretKey, kernel.config.ISSUER.startsWith('https:'), kernel.clock);
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.get('/developers', { schema: { hide: true, querystring: DashboardQuery } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/developers');
    const [apps, tokens] = await Promise.all([oauth.clients.list(who.user.id), oauth.personalTokens.list(who.user.id)]);
    const shown = flash.take(request, reply, 'personal_token');
    const named = shown && tokens.find((t) => t.id === shown.subject);
    const notice = NOTICES.get(request.query.deleted ?? request.query.revoked ?? '');
    const csrfToken = csrf.token(request, reply);
    const sections = await Promise.all(
      (deps.developerSections ?? []).map((section) => section({ user: who.user, csrfToken })),
    );
    return sendPage(
      reply,
      200,
      dashboardPage({
        user: who.user,
        apps,
        tokens,
        csrfToken,
        issuer: kernel.config.ISSUER,
        notice,
        sections,
        newToken: named && shown ? { name: named.name, value: shown.value } : undefined,
      }),
    );
  });

  await appRoutes(app, deps, flash);
  await tokenRoutes(app, deps, flash);
}
