import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Kernel } from '../kernel.ts';

/** /healthz: the process answers. /readyz: the database answers too. */
export async function healthRoutes(app: FastifyInstance, kernel: Kernel): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'] } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness (database reachable)', tags: ['operations'] } },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(kernel.database.db);
        return { status: 'ready' };
      } catch (error) {
        request.log.error({ err: error }, 'readiness check failed');
        return reply.code(503).send({ status: 'unavailable' });
      }
    },
  );
}
