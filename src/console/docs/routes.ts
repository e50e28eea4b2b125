import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { ApiDocument } from '../../platform.ts';
import { sendPage } from '../../ui/respond.ts';
import type { WebDeps } from '../web-deps.ts';
import { docsIndexPage } from './docs-page.ts';

/**
 * /docs: the API reference. The index lists the products' documents; /docs{path} renders one with
 * Swagger UI (@fastify/swagger-ui), whose scripts, styles and fonts are served from this origin
 * under the same strict Content-Security-Policy as every page. Public, like the documents.
 */
export async function docsRoutes(app: FastifyInstance, { kernel, apiDocs = [] }: WebDeps): Promise<void> {
  const issuer = kernel.config.ISSUER;
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    return sendPage(reply, 200, docsIndexPage(apiDocs, issuer)).header('cache-control', 'public, max-age=300');
  });
  for (const doc of apiDocs) await app.register(async (scope) => referencePage(scope, doc));
}

/** One document in Swagger UI at /docs{path}: it loads the product's own document, nothing else. */
async function referencePage(app: FastifyInstance, doc: ApiDocument): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: `/docs${doc.path}`,
    // BaseLayout: no top bar, whose Swagger logo is an SVG with an inline <style> the CSP refuses.
    uiConfig: { layout: 'BaseLayout', deepLinking: true, tryItOutEnabled: false },
    validatorUrl: false,
    theme: { title: `${doc.title} · Consentry` },
    uiHooks: {
      // Swagger UI loads ./json, which the plugin would fill with the whole app: send it to the product's document.
      onRequest: async (request, reply) => {
        if (/\/(json|yaml)$/.test(request.routeOptions.url ?? '')) return reply.redirect(doc.document, 302);
      },
    },
  });
}
