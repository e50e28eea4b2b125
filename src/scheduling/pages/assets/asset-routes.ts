import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { scriptBundle, sendScript } from '../../../ui/script-bundle.ts';

const stylesheet = readFileSync(new URL('./scheduling.css', import.meta.url), 'utf8');

/** The enhancing scripts, one per page kind, bundled from ../browser/ on first request. */
export const SCRIPTS = {
  'booking.js': scriptBundle(new URL('../browser/booking-page.ts', import.meta.url)),
  'host.js': scriptBundle(new URL('../browser/host-pages.ts', import.meta.url)),
} as const;

/** GET /scheduling/assets/…: the pages' stylesheet and scripts, first-party (CSP 'self'). */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  app.get('/scheduling/assets/scheduling.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );
  app.get<{ Params: { name: string } }>(
    '/scheduling/assets/:name',
    { schema: { hide: true } },
    async (request, reply) => {
      const load = SCRIPTS[request.params.name as keyof typeof SCRIPTS];
      if (!Object.hasOwn(SCRIPTS, request.params.name) || !load) return reply.callNotFound();
      return sendScript(request, reply, load);
    },
  );
}
