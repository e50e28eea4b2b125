import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-deps.ts';
import { fetchImage } from './fetch-image.ts';
import { LogoCache } from './logo-cache.ts';
import { monogramSvg } from './monogram.ts';

const Params = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 200 }) });

export const LOGO_LIMITS = { maxBytes: 100 * 1024, timeoutMs: 3000 };

/**
 * GET /logos/:clientId — an app's logo from our own origin.
 *
 * Why a proxy rather than storing logos as data: URLs at registration: pages may load images
 * only from 'self' (CSP), and apps arrive by three doors — this console, RFC 7591 registration
 * and client ID metadata documents — all of which record an https `logo_uri`. Fetching it here,
 * under one set of SSRF limits, serves every app the same way without a schema change, keeps
 * large images out of the clients table, and picks up a changed logo within the cache TTL.
 * Browsers never contact the app's server, so it learns nothing about who looks at the consent
 * screen. Without a usable logo the answer is a monogram, so an <img> never shows as broken.
 */
export async function logoRoutes(app: FastifyInstance, { kernel, oauth }: WebDeps): Promise<void> {
  const cache = new LogoCache(kernel.clock, 60 * 60_000, 5 * 60_000, 1000);
  const limits = { ...LOGO_LIMITS, allowLoopback: kernel.config.CLIENT_LOGO_ALLOW_LOOPBACK };
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.get('/logos/:clientId', { schema: { params: Params, hide: true } }, async (request, reply) => {
    const client = await oauth.clients.findById(request.params.clientId);
    if (!client) return reply.code(404).header('cache-control', 'no-store').send();
    let logoUrl: URL | undefined;
    try {
      logoUrl = client.logoUri ? new URL(client.logoUri) : undefined;
    } catch {
      logoUrl = undefined;
    }
    const image = logoUrl ? await cache.get(`${client.id} ${logoUrl.href}`, () => fetchImage(logoUrl, limits)) : null;
    if (image) {
      return reply
        .type(image.contentType)
        .header('cache-control', 'public, max-age=3600')
        .header('content-security-policy', "default-src 'none'")
        .send(image.body);
    }
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'public, max-age=300')
      .header('content-security-policy', "default-src 'none'")
      .send(monogramSvg(client.id, client.name));
  });
}
