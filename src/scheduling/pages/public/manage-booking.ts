import type { FastifyInstance } from 'fastify';
import { bookingIcs } from '../../email/booking-ics.ts';
import { EventTypeRepository } from '../../event-types/event-type-repository.ts';
import { displayHostName } from '../../hosts/display-name.ts';
import { message, sendPage, type PageDeps } from '../page-deps.ts';
import { bookingStatusPage } from '../views/booking-status-view.ts';
import { loadManaged, manageHome, type ManageRoute } from './managed-booking.ts';

export const BAD_LINK = message('Not found', 'This booking link is not valid.');

/**
 * The invitee's page behind the emailed link /booking/{id}?token=…: "You are scheduled" with the
 * calendar links and the ways to change it, or the cancellation; and the booking as an .ics file.
 */
export async function manageBookingRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const eventTypes = new EventTypeRepository(s.kernel.database.db);

  app.get<ManageRoute>('/booking/:id', { schema: { hide: true } }, async (request, reply) => {
    const m = await loadManaged(s, request, request.query.token);
    if (!m) return sendPage(reply, 404, BAD_LINK);
    const eventType = m.booking.status === 'canceled' ? await eventTypes.findById(m.booking.eventTypeId) : undefined;
    return sendPage(
      reply,
      200,
      bookingStatusPage({
        m,
        csrfToken: deps.csrf.token(request, reply),
        mailSent: Boolean(s.kernel.config.SMTP_URL),
        bookAgain: eventType?.active ? `/${m.booking.hostSlug}/${eventType.slug}` : undefined,
        movedTo: m.booking.rescheduledToId ? manageHome(s, m.booking.rescheduledToId) : undefined,
      }),
    );
  });

  app.get<ManageRoute>('/booking/:id/event.ics', { schema: { hide: true } }, async (request, reply) => {
    const m = await loadManaged(s, request, request.query.token);
    if (!m) return sendPage(reply, 404, BAD_LINK);
    const person = await s.hosts.person(m.booking.hostId);
    const ics = bookingIcs({
      booking: m.booking,
      method: m.booking.status === 'canceled' ? 'CANCEL' : 'PUBLISH',
      host: { name: displayHostName(person), email: person.email ?? 'no-reply@localhost' },
      manageUrl: s.manageLinks.url(m.booking.id),
      issuerHost: new URL(s.kernel.config.ISSUER).host,
      now: s.kernel.clock.now(),
    });
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="meeting.ics"')
      .header('cache-control', 'no-store')
      .send(ics);
  });
}
