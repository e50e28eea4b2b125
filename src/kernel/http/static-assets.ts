import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const stylesheet = readFileSync(new URL('../../ui/style.css', import.meta.url), 'utf8');

/** The one stylesheet every page uses, served from memory. */
export async function staticAssets(app: FastifyInstance): Promise<void> {
  app.get('/assets/style.css', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet);
  });
}
