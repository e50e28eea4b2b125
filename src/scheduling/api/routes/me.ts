import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { errorResponses, UserJson } from '../schemas.ts';

/** GET /me: the host's profile. */
export async function meRoute(app: FastifyInstance, { s, needs, hostOf }: ApiDeps): Promise<void> {
  app.get(
    '/me',
    {
      preHandler: needs('read:profile'),
      schema: {
        summary: 'The person the token acts for',
        tags: ['profile'],
        response: { 200: UserJson, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      const person = await s.hosts.person(host.userId);
      return { id: host.userId, email: person.email, name: person.name, slug: host.slug, timezone: host.timezone };
    },
  );
}
