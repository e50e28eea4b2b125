import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import type { Booking } from '../../bookings/booking.ts';
import { SchedulingError } from '../../errors.ts';
import { EventTypeRepository } from '../../event-types/event-type-repository.ts';
import { toIsoUtc } from '../../time.ts';
import { field, message, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import { csrfField, errorBlock } from '../views/errors-view.ts';
import { localWhen, slotPicker } from '../views/slot-picker-view.ts';
import { readPicker, type PickerQuery } from './picker-query.ts';

type Route = { Params: { id: string }; Querystring: PickerQuery & { token?: string } };

/**
 * The invitee's page behind the emailed link /booking/{id}?token=…: the booking, a cancel form
 * and a reschedule picker. The token is an HMAC of the booking id (no account needed).
 */
export async function manageBookingRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const eventTypes = new EventTypeRepository(s.kernel.database.db);

  async function load(request: FastifyRequest<Route>, token: unknown): Promise<Booking | undefined> {
    if (!s.manageLinks.verify(request.params.id, token)) return undefined;
    return s.bookings.findById(request.params.id);
  }

  async function render(
    request: FastifyRequest<Route>,
    reply: FastifyReply,
    booking: Booking,
    query: PickerQuery,
    error?: SchedulingError,
  ) {
    const token = s.manageLinks.token(booking.id);
    const tz = query.tz ?? booking.invitee.timezone;
    const csrfToken = deps.csrf.token(request, reply);
    const eventType = await eventTypes.findById(booking.eventTypeId);
    let manage = html``;
    if (booking.status === 'active' && eventType?.active) {
      const picker = await readPicker(s, eventType, { ...query, tz, duration: String(booking.durationMin) });
      manage = html`<h2>Cancel</h2>
<form method="post" action="/booking/${booking.id}/cancel">${csrfField(csrfToken)}<input type="hidden" name="token" value="${token}">
<label for="reason">Reason (optional)</label><input id="reason" name="reason"><button type="submit" class="secondary">Cancel this meeting</button></form>
<h2>Reschedule</h2>
${slotPicker({ path: `/booking/${booking.id}`, keep: { token }, tz: picker.tz, duration: booking.durationMin, durations: [booking.durationMin], slots: picker.slots, date: picker.date })}
${
  picker.start
    ? html`<form method="post" action="/booking/${booking.id}/reschedule">${csrfField(csrfToken)}<input type="hidden" name="token" value="${token}"><input type="hidden" name="start" value="${toIsoUtc(picker.start.start)}">
<p>Move to ${localWhen(picker.start.start, picker.tz)}?</p><button type="submit">Reschedule</button></form>`
    : ''
}`;
    }
    const moved = booking.rescheduledToId
      ? html`<p><a href="/booking/${booking.rescheduledToId}?token=${s.manageLinks.token(booking.rescheduledToId)}">See the new time</a></p>`
      : '';
    return sendPage(
      reply,
      error?.status ?? 200,
      page({
        title: booking.eventTypeName,
        body: html`<h1>${booking.eventTypeName}</h1>
<p class="${booking.status === 'canceled' ? 'error' : 'notice'}" id="booking-status">${booking.status === 'canceled' ? `Canceled${booking.cancelReason ? `: ${booking.cancelReason}` : ''}` : 'Booked'}</p>
<p>${localWhen(booking.startAt, tz)}, ${booking.durationMin} minutes · ${booking.location.kind}${booking.location.value ? `: ${booking.location.value}` : ''}</p>
<p>For ${booking.invitee.name} &lt;${booking.invitee.email}&gt;</p>
${moved}${errorBlock(error)}${manage}`,
      }),
    );
  }

  app.get<Route>('/booking/:id', { schema: { hide: true } }, async (request, reply) => {
    const booking = await load(request, request.query.token);
    if (!booking) return sendPage(reply, 404, message('Not found', 'This booking link is not valid.'));
    return render(request, reply, booking, request.query);
  });

  app.post<Route>(
    '/booking/:id/cancel',
    { schema: { hide: true }, preHandler: deps.publicLimits ?? [] },
    async (request, reply) => {
      const booking = await load(request, field(request.body, 'token'));
      if (!booking) return sendPage(reply, 404, message('Not found', 'This booking link is not valid.'));
      await s.bookings.cancelById(booking.id, field(request.body, 'reason') || undefined);
      return seeOther(reply, `/booking/${booking.id}?token=${s.manageLinks.token(booking.id)}`);
    },
  );

  app.post<Route>(
    '/booking/:id/reschedule',
    { schema: { hide: true }, preHandler: deps.publicLimits ?? [] },
    async (request, reply) => {
      const booking = await load(request, field(request.body, 'token'));
      if (!booking) return sendPage(reply, 404, message('Not found', 'This booking link is not valid.'));
      try {
        const moved = await s.bookings.rescheduleById(booking.id, { start: field(request.body, 'start') });
        return seeOther(reply, `/booking/${moved.id}?token=${s.manageLinks.token(moved.id)}`);
      } catch (error) {
        if (!(error instanceof SchedulingError)) throw error;
        return render(request, reply, (await s.bookings.findById(booking.id))!, {}, error);
      }
    },
  );
}
