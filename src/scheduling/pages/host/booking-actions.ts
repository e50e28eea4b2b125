import type { FastifyInstance } from 'fastify';
import { field, type PageDeps } from '../page-deps.ts';
import { formAction } from './dashboard.ts';

/** POST /scheduling/bookings/:id/cancel: the host cancels from the dashboard. */
export async function bookingActionRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  app.post<{ Params: { id: string } }>(
    '/scheduling/bookings/:id/cancel',
    { schema: { hide: true } },
    async (request, reply) =>
      formAction(deps, request, reply, async (user) => {
        await deps.s.bookings.cancel(user.id, request.params.id, field(request.body, 'reason') || undefined);
      }),
  );
}
