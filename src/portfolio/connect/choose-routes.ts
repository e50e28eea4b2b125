import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { seeOther } from '../../ui/respond.ts';
import type { Connection } from '../connections/connection.ts';
import { choosePage } from './choose-page.ts';
import { holdingsOf } from './holdings.ts';
import { sendPage, type PageDeps } from './page-deps.ts';
import { LINK_STEP, linkContext, widgetFrame, type LinkContext } from './link-context.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ConnectionIds = Type.Union([
  Type.String({ maxLength: 64 }),
  Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 }),
]);
/** `connection`: the ticked boxes (repeated); `share`: which button ("selected", the default, or "none"). */
export const ChooseBody = Type.Object({
  csrf: Type.Optional(Type.String({ maxLength: 200 })),
  share: Type.Optional(Type.Union([Type.Literal('selected'), Type.Literal('none')])),
  connection: Type.Optional(ConnectionIds),
});
const CsrfBody = Type.Object({ csrf: Type.Optional(Type.String({ maxLength: 200 })) });

export const NOTHING_TICKED = 'Tick at least one account to share, or choose “Share nothing”.';

/** The submitted ids as a list (one ticked box arrives as a plain string). */
export function tickedIds(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * The Connect widget's "choose" step, /connect/link/:id/choose: the person picks which linked
 * accounts the app may see; sharing records the choice for this person and app and finishes the
 * link step (consent comes next). POST /connect/link/:id/continue, the older pages' button,
 * still finishes it: those pages said the app would see what was linked, so it shares every
 * account linked so far (not those linked later).
 */
export async function chooseRoutes(fastify: FastifyInstance, deps: PageDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = (id: string) => `/connect/link/${id}`;
  const guarded = { preValidation: requireCsrf(deps.csrf) };

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    found: LinkContext,
    status: number,
    checked: (connections: Connection[]) => Promise<ReadonlySet<string>>,
    error?: string,
  ) {
    const [frame, connections, holdings] = await Promise.all([
      widgetFrame(deps, found, request, reply),
      deps.portfolio.connections.list(found.userId),
      holdingsOf(deps.portfolio, found.userId),
    ]);
    const view = {
      frame,
      choice: {
        connections,
        checked: await checked(connections),
        holdings,
        catalog: deps.portfolio.catalog,
        ...(error ? { error } : {}),
      },
    };
    return sendPage(reply, status, choosePage(view));
  }

  app.get('/connect/link/:id/choose', { schema: { params: Params, hide: true } }, async (request, reply) => {
    const id = request.params.id;
    const found = await linkContext(deps, id, request, reply, `${base(id)}/choose`);
    if ('sent' in found) return found.sent;
    return render(request, reply, found, 200, (connections) => preselected(deps, found, connections));
  });

  app.post(
    '/connect/link/:id/choose',
    { ...guarded, schema: { params: Params, body: ChooseBody, hide: true } },
    async (request, reply) => {
      const id = request.params.id;
      const found = await linkContext(deps, id, request, reply, `${base(id)}/choose`);
      if ('sent' in found) return found.sent;
      const ticked = request.body.share === 'none' ? [] : tickedIds(request.body.connection);
      const mine = new Set((await deps.portfolio.connections.list(found.userId)).map((c) => c.id));
      // "Share" with nothing ticked (or only accounts removed meanwhile) asks again; "Share nothing" is the way to share none.
      if (request.body.share !== 'none' && !ticked.some((t) => mine.has(t)))
        return render(request, reply, found, 400, async () => new Set(), NOTHING_TICKED);
      await deps.portfolio.sharing.choose(found.userId, found.interaction.request.clientId, ticked);
      return seeOther(reply, await deps.oauth.interactions.completeStep(found.id, LINK_STEP));
    },
  );

  app.post(
    '/connect/link/:id/continue',
    { ...guarded, schema: { params: Params, body: CsrfBody, hide: true } },
    async (request, reply) => {
      const id = request.params.id;
      const found = await linkContext(deps, id, request, reply, base(id));
      if ('sent' in found) return found.sent;
      const all = (await deps.portfolio.connections.list(found.userId)).map((c) => c.id);
      await deps.portfolio.sharing.choose(found.userId, found.interaction.request.clientId, all);
      return seeOther(reply, await deps.oauth.interactions.completeStep(found.id, LINK_STEP));
    },
  );
}

/**
 * What is ticked when the page opens: everything the first time; when the person chose for this
 * app before, that choice plus what they linked in this widget just now (linking through an
 * app's widget shares with that app).
 */
async function preselected(
  deps: PageDeps,
  found: LinkContext,
  connections: Connection[],
): Promise<ReadonlySet<string>> {
  const prior = await deps.portfolio.sharing.chosen(found.userId, found.interaction.request.clientId);
  if (prior === undefined) return new Set(connections.map((c) => c.id));
  const linkedNow = connections.filter((c) => c.createdAt >= found.interaction.createdAt).map((c) => c.id);
  return new Set([...prior, ...linkedNow]);
}
