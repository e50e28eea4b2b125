import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { displayName, type User } from '../../accounts/index.ts';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { NOT_FOUND, statusPage } from '../../ui/status-page.ts';
import { ApiError } from '../errors.ts';
import type { AccessCursor } from '../sharing/access-log-repository.ts';
import { ACCOUNT_BASE } from './account-section.ts';
import { APPS_BASE, appBlock, loadAppShare, portfolioGrants } from './app-share-view.ts';
import { ChooseBody, NOTHING_TICKED, tickedIds } from './choose-routes.ts';
import { holdingsOf } from './holdings.ts';
import type { PageDeps } from './page-deps.ts';
import { providerName } from './connection-words.ts';

const GrantParams = Type.Object({ grantId: Type.String({ maxLength: 64 }) });
const ConnectionParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
/** `before`: where the previous page of the log ended, `<at>.<id>`. */
const LogQuery = Type.Object({
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}\\.[A-Za-z0-9_-]{1,64}$' })),
});
const CsrfBody = Type.Object({ csrf: Type.Optional(Type.String({ maxLength: 200 })) });

/**
 * /account's portfolio pages beyond the add forms: one app's page (what it may see, its access
 * log, older entries), saving what it may see, refreshing one linked account (within the refresh
 * cooldown, else a message saying when), and the confirmation before removing one. Every form
 * posts with its CSRF token and answers 303 back to /account (post, redirect, get).
 */
export async function accountSharingRoutes(fastify: FastifyInstance, deps: PageDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const guarded = { preValidation: requireCsrf(deps.csrf) };
  const toSignIn = (reply: FastifyReply, back: string) =>
    seeOther(reply, `/signin?return_to=${encodeURIComponent(back)}`);

  async function signedIn(request: FastifyRequest): Promise<User | undefined> {
    const session = await deps.accounts.sessions.current(request);
    return session ? deps.accounts.users.findById(session.userId) : undefined;
  }

  /** One app's page: the same block as on /account, with its log open and paged; undefined when the app is not the person's. */
  async function appPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    grantId: string,
    options: { error?: string; before?: AccessCursor } = {},
  ): Promise<string | undefined> {
    const grant = (await portfolioGrants(deps.oauth, user.id)).find((g) => g.id === grantId);
    if (!grant) return undefined;
    const [connections, holdings] = await Promise.all([
      deps.portfolio.connections.list(user.id),
      holdingsOf(deps.portfolio, user.id),
    ]);
    const share = await loadAppShare(deps.oauth, deps.portfolio, grant, connections, options.before);
    const block = appBlock({
      share,
      catalog: deps.portfolio.catalog,
      holdings,
      csrfToken: deps.csrf.token(request, reply),
      timeZone: user.timeZone,
      heading: 'h1',
      logOpen: true,
      ...(options.error ? { error: options.error } : {}),
    });
    return page({
      title: `What ${share.client.name} can see`,
      signedInAs: displayName(user),
      nav: 'account',
      body: html`<p class="crumbs"><a href="/account#sharing-heading">Your account</a></p>
${block}
${options.before ? html`<p><a href="${APPS_BASE}/${grant.id}#log-${grant.id}">Newest requests</a></p>` : ''}`,
    });
  }

  app.get(
    `${APPS_BASE}/:grantId`,
    { schema: { params: GrantParams, querystring: LogQuery, hide: true } },
    async (request, reply) => {
      const user = await signedIn(request);
      if (!user) return toSignIn(reply, request.url);
      const before = request.query.before?.split('.');
      const cursor = before ? { at: Number(before[0]), id: before[1]! } : undefined;
      const body = await appPage(request, reply, user, request.params.grantId, cursor ? { before: cursor } : {});
      return body ? sendPage(reply, 200, body) : sendPage(reply, 404, statusPage(NOT_FOUND));
    },
  );

  app.post(
    `${APPS_BASE}/:grantId/share`,
    { ...guarded, schema: { params: GrantParams, body: ChooseBody, hide: true } },
    async (request, reply) => {
      const user = await signedIn(request);
      if (!user) return toSignIn(reply, '/account');
      const { grantId } = request.params;
      const grant = (await portfolioGrants(deps.oauth, user.id)).find((g) => g.id === grantId);
      if (!grant) return sendPage(reply, 404, statusPage(NOT_FOUND));
      const ticked = request.body.share === 'none' ? [] : tickedIds(request.body.connection);
      const mine = new Set((await deps.portfolio.connections.list(user.id)).map((c) => c.id));
      if (request.body.share !== 'none' && !ticked.some((t) => mine.has(t))) {
        const body = await appPage(request, reply, user, grantId, { error: NOTHING_TICKED });
        return sendPage(reply, 400, body!);
      }
      await deps.portfolio.sharing.choose(user.id, grant.clientId, ticked);
      return seeOther(reply, `/account?shared=${grantId}#app-${grantId}`);
    },
  );

  app.post(
    `${ACCOUNT_BASE}/connections/:id/refresh`,
    { ...guarded, schema: { params: ConnectionParams, body: CsrfBody, hide: true } },
    async (request, reply) => {
      const user = await signedIn(request);
      if (!user) return toSignIn(reply, '/account');
      const { id } = request.params;
      const back = (query: string) => seeOther(reply, `/account?${query}&connection=${id}#providers-heading`);
      try {
        // The same cooldown as the Platform API's refresh: one read per account within it.
        await deps.portfolio.refreshes.request(user.id, 'assets', new Set([id]));
        return back('portfolio=refreshed');
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 429) return back(`portfolio=refresh_wait&in=${error.retryAfter ?? 60}`);
        if (error.status === 404) return sendPage(reply, 404, statusPage(NOT_FOUND));
        throw error;
      }
    },
  );

  app.get(
    `${ACCOUNT_BASE}/connections/:id/remove`,
    { schema: { params: ConnectionParams, hide: true } },
    async (request, reply) => {
      const user = await signedIn(request);
      if (!user) return toSignIn(reply, request.url);
      const connection = (await deps.portfolio.connections.list(user.id)).find((c) => c.id === request.params.id);
      if (!connection) return sendPage(reply, 404, statusPage(NOT_FOUND));
      const name = providerName(deps.portfolio.catalog, connection);
      return sendPage(
        reply,
        200,
        page({
          title: `Remove ${connection.displayLabel}`,
          signedInAs: displayName(user),
          nav: 'account',
          body: html`<h1>Remove ${connection.displayLabel}?</h1>
<p>Consentry deletes what it read from this ${name} account — its balances and history — and stops reading it. No app sees it any more.</p>
<p class="hint">Nothing changes at ${name} itself. You can link it again later.</p>
<form method="post" action="${ACCOUNT_BASE}/connections/${connection.id}/remove">
<input type="hidden" name="csrf" value="${deps.csrf.token(request, reply)}">
<div class="actions">
<button type="submit" class="danger">Remove ${connection.displayLabel}</button>
<a class="button secondary" href="/account#providers-heading">Keep it</a>
</div>
</form>`,
        }),
      );
    },
  );
}
