import type { FastifyInstance } from 'fastify';
import { field, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import { bookingsPage, cancelBookingPage } from '../views/host/bookings-view.ts';
import { hostAction, hostContext } from './host-context.ts';
import { withNotice } from './notices.ts';

/** The Bookings tab, and cancelling a booking as its own confirmed step. */
export async function bookingsTabRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;

  app.get('/scheduling/bookings', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const [upcoming, canceled] = await Promise.all([
      s.bookings
        .list(c.user.id, { status: 'active', limit: 50 })
        .then((p) => p.bookings.sort((a, b) => a.startAt - b.startAt)),
      s.bookings.list(c.user.id, { status: 'canceled', limit: 20 }).then((p) => p.bookings),
    ]);
    return sendPage(reply, 200, bookingsPage({ c, upcoming, canceled }));
  });

  app.get<{ Params: { id: string } }>(
    '/scheduling/bookings/:id/cancel',
    { schema: { hide: true } },
    async (request, reply) => {
      const c = await hostContext(deps, request, reply);
      if (!c) return reply;
      const booking = await s.bookings.get(c.user.id, request.params.id);
      if (booking.status !== 'active') return seeOther(reply, '/scheduling/bookings');
      return sendPage(reply, 200, cancelBookingPage(c, booking));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/scheduling/bookings/:id/cancel',
    { schema: { hide: true } },
    async (request, reply) =>
      hostAction(deps, request, reply, async (c) => {
        await s.bookings.cancel(c.user.id, request.params.id, field(request.body, 'reason') || undefined);
        return withNotice('/scheduling/bookings', 'booking-canceled');
      }),
  );
}
