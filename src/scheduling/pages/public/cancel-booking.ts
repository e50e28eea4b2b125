import type { FastifyInstance } from 'fastify';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { field, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import { bookingHost, bookingSummary } from '../views/booking-summary-view.ts';
import { cancelForm } from '../views/cancel-form.ts';
import { BAD_LINK } from './manage-booking.ts';
import { loadManaged, type ManageRoute } from './managed-booking.ts';

/** Cancelling is its own step: a page that asks "Cancel this meeting?" before anything happens. */
export async function cancelBookingRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;

  app.get<ManageRoute>('/booking/:id/cancel', { schema: { hide: true } }, async (request, reply) => {
    const m = await loadManaged(s, request, request.query.token);
    if (!m) return sendPage(reply, 404, BAD_LINK);
    if (m.booking.status !== 'active') return seeOther(reply, m.home);
    return sendPage(
      reply,
      200,
      page({
        title: 'Cancel this meeting?',
        body: html`${bookingHost(m)}<h1>Cancel this meeting?</h1>
${bookingSummary(m)}
${cancelForm(m, deps.csrf.token(request, reply))}`,
      }),
    );
  });

  app.post<ManageRoute>(
    '/booking/:id/cancel',
    { schema: { hide: true }, preHandler: deps.publicLimits ?? [] },
    async (request, reply) => {
      const m = await loadManaged(s, request, field(request.body, 'token'));
      if (!m) return sendPage(reply, 404, BAD_LINK);
      await s.bookings.cancelById(m.booking.id, field(request.body, 'reason') || undefined);
      return seeOther(reply, m.home);
    },
  );
}
