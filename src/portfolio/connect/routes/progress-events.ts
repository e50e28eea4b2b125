import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { Type } from '@sinclair/typebox';
import { perIpLimit } from '../../../kernel/http/rate-limit.ts';
import type { ProgressEvent } from '../browser/progress-event.ts';
import { linkBase, linkContext, widgetFrame } from '../link-context.ts';
import type { PageDeps } from '../page-deps.ts';
import { readProgress, stillSyncing } from '../progress-snapshot.ts';
import { renderCard, type CardContext } from '../views/connection-card.ts';
import { progressSummary } from '../views/progress-view.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** How often the stream looks at the database for news (state lives there, so any node can answer). */
const POLL_MS = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** A stream ends after this long even if a sync still runs; the browser reconnects (`retry`). */
const MAX_STREAM_MS = 10 * 60_000;

/**
 * GET /connect/link/:id/progress/events — the progress page's live updates as Server-Sent
 * Events, for the signed-in person of this pending authorization only (the same checks as the
 * page). Each second it reads the person's connections and sends a `progress` event when
 * something shown changed; once no sync runs it sends the final state and ends. A card is sent
 * as the HTML the page itself renders, so the page with and without scripts is the same page.
 */
export function progressEventsRoute(fastify: FastifyInstance, deps: PageDeps): void {
  const open = new Set<() => void>();
  // Streams never end on their own while syncs run: the server's shutdown ends them.
  fastify.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  fastify
    .withTypeProvider<TypeBoxTypeProvider>()
    .get(
      '/connect/link/:id/progress/events',
      { schema: { params: Params, hide: true }, config: perIpLimit(60) },
      async (request, reply) => {
        const found = await linkContext(deps, request.params.id, request, reply);
        if ('sent' in found) return found.sent;
        const frame = await widgetFrame(deps, found, request, reply);
        const ctx: CardContext = { base: linkBase(found.id), csrfToken: frame.csrfToken, timeZone: frame.timeZone };
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          ...(reply.getHeaders() as OutgoingHttpHeaders),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n\n');
        const started = Date.now();
        let lastWrite = started;
        let shown = new Map<string, string>();
        let sentSummary = '';
        let sentOrder = '';
        let timer: NodeJS.Timeout | undefined;
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          open.delete(end);
          res.end();
        };
        open.add(end);
        res.on('close', end);

        const tick = async () => {
          try {
            const progress = await readProgress(deps.portfolio, found.userId);
            if (ended) return;
            const cards = progress.map((p) => {
              const card = renderCard(p, ctx);
              return { id: card.id, v: card.version, html: card.html.value };
            });
            const event: ProgressEvent = {
              cards: cards.filter((c) => shown.get(c.id) !== c.v),
              order: cards.map((c) => c.id),
              summary: progressSummary(progress),
              active: stillSyncing(progress),
            };
            const order = event.order.join(',');
            if (event.cards.length || order !== sentOrder || event.summary !== sentSummary || !event.active) {
              res.write(`event: progress\ndata: ${JSON.stringify(event)}\n\n`);
              lastWrite = Date.now();
            } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
              res.write(': waiting\n\n');
              lastWrite = Date.now();
            }
            shown = new Map(cards.map((c) => [c.id, c.v]));
            [sentSummary, sentOrder] = [event.summary, order];
            if (!event.active || Date.now() - started >= MAX_STREAM_MS) return end();
            timer = setTimeout(() => void tick(), POLL_MS);
          } catch (error) {
            request.log.warn({ err: error }, 'the progress stream stopped');
            end();
          }
        };
        void tick();
        return reply;
      },
    );
}
