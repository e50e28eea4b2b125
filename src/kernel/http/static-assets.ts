import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

const stylesheet = readFileSync(new URL('../../ui/style.css', import.meta.url), 'utf8');

/** The brand mark of the page header (style.css `.mark`) as the site's icon. */
const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">' +
  '<linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0b5cad"/><stop offset="1" stop-color="#3fa0ff"/></linearGradient>' +
  '<rect width="20" height="20" rx="5.6" fill="url(#g)"/></svg>';

/** The one stylesheet every page uses and the site's icon, served from memory. */
export async function staticAssets(app: FastifyInstance): Promise<void> {
  app.get('/assets/style.css', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet);
  });
  const sendIcon = async (_request: unknown, reply: FastifyReply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(icon);
  app.get('/assets/icon.svg', { schema: { hide: true } }, sendIcon);
  // Browsers ask every site for /favicon.ico when a page names no icon (the API reference, JSON
  // answers opened in a tab); they take an SVG there too.
  app.get('/favicon.ico', { schema: { hide: true } }, sendIcon);
}
