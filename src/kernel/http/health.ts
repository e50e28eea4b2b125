import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Kernel } from '../kernel.ts';

const READY_WITHIN_MS = 1000;

/** /healthz: the process answers. /readyz: the database answers too. */
export async function healthRoutes(app: FastifyInstance, kernel: Kernel): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'] } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness (database reachable)', tags: ['operations'] } },
    async (request, reply) => {
      try {
        // Within a second either way: a database that stops answering is "not ready", not a hang.
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the database did not answer within 1 s')), READY_WITHIN_MS);
        });
        await Promise.race([sql`select 1`.execute(kernel.database.db), late]).finally(() => clearTimeout(timer));
        return { status: 'ready' };
      } catch (error) {
        request.log.error({ err: error }, 'readiness check failed');
        return reply.code(503).send({ status: 'unavailable' });
      }
    },
  );
}
