import type { FastifyInstance } from 'fastify';
import { SchemaComponents } from '../../../kernel/http/openapi-components.ts';
import { REQUESTS_PER_MINUTE } from '../rate-limit.ts';

type OpenApiDocument = {
  paths?: Record<string, unknown>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
};
type Operation = Record<string, unknown> & { responses?: Record<string, Record<string, unknown>> };

/** Caledee's names for the rate-limit headers every answer carries. */
const RATE_LIMIT_HEADERS = {
  XRateLimitLimit: {
    description: 'requests per minute for this token',
    schema: { type: 'integer', examples: [REQUESTS_PER_MINUTE] },
  },
  XRateLimitRemaining: { description: 'requests left in the current minute', schema: { type: 'integer' } },
  XRateLimitReset: { description: 'when the budget is full again, in Unix epoch seconds', schema: { type: 'integer' } },
};
const HEADER_REFS = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/XRateLimitLimit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/XRateLimitRemaining' },
  'X-RateLimit-Reset': { $ref: '#/components/headers/XRateLimitReset' },
};

/**
 * GET /openapi.json: the platform's OpenAPI 3.1 cut down to this API, paths relative to /api/v2,
 * every named object (Caledee's: User, EventType, Schedule, Slot, Booking, Webhook, Error, …) a
 * component in `components.schemas`, each operation naming the scope it needs.
 */
export async function openApiRoute(
  app: FastifyInstance,
  issuer: string,
  prefix: string,
  routeScopes: Map<string, string>,
): Promise<void> {
  let built: unknown;
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    built ??= buildDocument((app as unknown as { swagger(): OpenApiDocument }).swagger(), issuer, prefix, routeScopes);
    return reply.header('cache-control', 'public, max-age=300').send(built);
  });
}

function buildDocument(whole: OpenApiDocument, issuer: string, prefix: string, routeScopes: Map<string, string>) {
  const components = new SchemaComponents();
  const paths = Object.fromEntries(
    Object.entries(whole.paths ?? {})
      .filter(([path]) => path.startsWith(`${prefix}/`))
      .map(([path, item]) => [
        path.slice(prefix.length),
        components.extract(withSecurity(path, item as Record<string, Operation>, routeScopes)),
      ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Consentry Scheduling API',
      version: 'v2',
      description: `Event types, availability, bookings and webhooks. Bearer OAuth access tokens (profile caledee) or personal access tokens (pat_…). ${REQUESTS_PER_MINUTE} requests per minute per token; every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds).`,
    },
    servers: [{ url: `${issuer}${prefix}` }],
    components: {
      schemas: components.schemas,
      headers: RATE_LIMIT_HEADERS,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'OAuth access token or personal access token (pat_…)',
        },
      },
    },
    paths,
  };
}

/** Each operation names the scope it needs (OpenAPI security requirement on bearerAuth) and its rate-limit headers. */
function withSecurity(path: string, item: Record<string, Operation>, routeScopes: Map<string, string>) {
  const fastifyPath = path.replace(/\{(\w+)\}/g, ':$1');
  return Object.fromEntries(
    Object.entries(item).map(([method, operation]) => {
      const scope = routeScopes.get(`${method} ${fastifyPath}`);
      if (!scope) return [method, operation];
      const responses = Object.fromEntries(
        Object.entries(operation.responses ?? {}).map(([status, response]) => [
          status,
          { ...response, headers: { ...HEADER_REFS, ...(response.headers as object | undefined) } },
        ]),
      );
      return [
        method,
        { ...operation, responses, security: [{ bearerAuth: [scope] }], description: `Scope: ${scope}.` },
      ];
    }),
  );
}
