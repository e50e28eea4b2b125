import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Config } from '../../config.ts';

/** OpenAPI 3.1 built from the route schemas; served at /openapi.json. */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Consentry',
        version: '0.1.0',
        description: 'OAuth 2.1 / OpenID Connect authorization server and consent-gated product APIs.',
      },
      servers: [{ url: config.ISSUER }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An OAuth access token (or, where stated, a personal access token)',
          },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
