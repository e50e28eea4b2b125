import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../../errors.ts';
import { linkBase, linkContext, widgetFrame } from '../link-context.ts';
import { sendPage, verifiedForm, type PageDeps } from '../page-deps.ts';
import { readProgress, type ConnectionProgress } from '../progress-snapshot.ts';
import { accountName } from '../views/connection-card.ts';
import { progressPage, type Notice } from '../views/progress-view.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ConnectionParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  connectionId: Type.String({ maxLength: 64 }),
});
const Query = Type.Object({
  /** Connections just linked (comma-separated ids). */
  linked: Type.Optional(Type.String({ maxLength: 2000 })),
  /** Some networks of an "all networks" link could not be asked. */
  partial: Type.Optional(Type.String({ maxLength: 8 })),
  /** A connection whose sync was just tried again. */
  retried: Type.Optional(Type.String({ maxLength: 64 })),
  /** Seconds until the connection `c` may be tried again. */
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  c: Type.Optional(Type.String({ maxLength: 64 })),
  /** The person asked the page to stop reloading itself (browsers without scripts). */
  still: Type.Optional(Type.String({ maxLength: 8 })),
});

/**
 * The "Sync" step: GET /connect/link/:id/progress (its live updates: progress-events.ts) and
 * "Try again" (POST …/connections/:connectionId/retry), which queues that connection's sync now.
 */
export function progressRoutes(fastify: FastifyInstance, deps: PageDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/connect/link/:id/progress',
    { schema: { params: Params, querystring: Query, hide: true } },
    async (request, reply) => {
      const found = await linkContext(deps, request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      const [frame, progress] = await Promise.all([
        widgetFrame(deps, found, request, reply),
        readProgress(deps.portfolio, found.userId),
      ]);
      return sendPage(
        reply,
        200,
        progressPage(frame, {
          progress,
          timeZone: frame.timeZone,
          notice: noticeOf(request.query, progress),
          still: request.query.still !== undefined,
        }),
      );
    },
  );

  app.post(
    '/connect/link/:id/connections/:connectionId/retry',
    { schema: { params: ConnectionParams, hide: true } },
    async (request, reply) => {
      if (!verifiedForm(deps, request, reply)) return reply;
      const found = await linkContext(deps, request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      const { connectionId } = request.params;
      const progress = `${linkBase(found.id)}/progress`;
      try {
        await deps.portfolio.refreshes.retryConnection(found.userId, connectionId);
        return reply.redirect(`${progress}?retried=${encodeURIComponent(connectionId)}`, 303);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // Inside the cooldown: the page says when; gone or never finished: the page shows how things are.
        if (error.status === 429)
          return reply.redirect(
            `${progress}?wait=${error.retryAfter ?? 60}&c=${encodeURIComponent(connectionId)}`,
            303,
          );
        return reply.redirect(progress, 303);
      }
    },
  );
}

/**
 * The line about what just happened, from the address the last action sent the person to, as it
 * stands now: "reading it now" only while that sync runs (the page may be reloaded long after).
 */
function noticeOf(query: typeof Query.static, progress: ConnectionProgress[]): Notice | undefined {
  const byId = new Map(progress.map((p) => [p.connection.id, p]));
  const find = (id: string | undefined) => (id ? byId.get(id) : undefined);
  const waited = find(query.c);
  if (query.wait !== undefined && waited)
    return {
      text: `${waited.connection.displayLabel} was tried moments ago. You can try again in ${query.wait} second${query.wait === 1 ? '' : 's'}.`,
    };
  const retried = find(query.retried);
  if (retried?.connection.status === 'syncing')
    return { text: '', whileSyncing: `Trying ${retried.connection.displayLabel} again.` };
  if (!query.linked) return undefined;
  const linked = query.linked.split(',').flatMap((id) => byId.get(id) ?? []);
  if (linked.length === 0) return undefined;
  // "0x12…ab on Ethereum and Base": one address linked on several networks is named once.
  const networks = new Map<string, string[]>();
  for (const p of linked) {
    const name = accountName(p.connection.displayLabel, p.providerName);
    networks.set(name, [...(networks.get(name) ?? []), p.providerName]);
  }
  const what = [...networks].map(([label, on]) =>
    on.length === 1 && on[0] === label ? label : `${label} on ${joinWords(on)}`,
  );
  const reading = linked.some((p) => p.connection.status === 'syncing');
  const partial = query.partial
    ? ' Some networks couldn’t be checked for activity; link the address again later to add them.'
    : '';
  return {
    text: `Linked ${joinWords(what)}.${partial}`,
    ...(reading ? { whileSyncing: `We’re reading ${linked.length === 1 ? 'it' : 'them'} now.` } : {}),
  };
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
