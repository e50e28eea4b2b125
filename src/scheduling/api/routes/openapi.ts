import type { FastifyInstance } from 'fastify';
import { REQUESTS_PER_MINUTE } from '../rate-limit.ts';

type OpenApiDocument = { paths?: Record<string, unknown>; components?: Record<string, unknown>; [key: string]: unknown };

/** GET /openapi.json: the platform's OpenAPI 3.1 cut down to this API, paths relative to /api/v2. */
export async function openApiRoute(app: FastifyInstance, issuer: string, prefix: string, routeScopes: Map<string, string>): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    const whole = (app as unknown as { swagger(): OpenApiDocument }).swagger();
    const paths = Object.fromEntries(
      Object.entries(whole.paths ?? {})
        .filter(([path]) => path.startsWith(`${prefix}/`))
        .map(([path, item]) => [path.slice(prefix.length), withSecurity(path, item as Record<string, Record<string, unknown>>, routeScopes)]),
    );
    return reply.header('cache-control', 'public, max-age=300').send({
      openapi: '3.1.0',
      info: {
        title: 'Consentry Scheduling API',
        version: 'v2',
        description: `Event types, availability, bookings and webhooks. Bearer OAuth access tokens (profile caledee) or personal access tokens (pat_…). ${REQUESTS_PER_MINUTE} requests per minute per token; every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds).`,
      },
      servers: [{ url: `${issuer}${prefix}` }],
      components: {
        ...(whole.components ?? {}),
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'OAuth access token or personal access token (pat_…)' } },
      },
      paths,
    });
  });
}

/** Each operation names the scope it needs (OpenAPI security requirement on bearerAuth). */
function withSecurity(path: string, item: Record<string, Record<string, unknown>>, routeScopes: Map<string, string>) {
  const fastifyPath = path.replace(/\{(\w+)\}/g, ':$1');
  return Object.fromEntries(
    Object.entries(item).map(([method, operation]) => {
      const scope = routeScopes.get(`${method} ${fastifyPath}`);
      return [method, scope ? { ...operation, security: [{ bearerAuth: [scope] }], description: `Scope: ${scope}.` } : operation];
    }),
  );
}
