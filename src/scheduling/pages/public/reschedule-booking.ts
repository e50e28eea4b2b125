import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type Html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { SchedulingError } from '../../errors.ts';
import { EventTypeRepository } from '../../event-types/event-type-repository.ts';
import { toIsoUtc } from '../../time.ts';
import { BOOKER_ASSETS } from '../assets/page-assets.ts';
import { field, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import { booker } from '../views/booker/booker-view.ts';
import { pickedTime } from '../views/booker/details-form.ts';
import { csrfField } from '../views/errors-view.ts';
import { readBooker, type BookerQuery } from './booker-state.ts';
import { BAD_LINK } from './manage-booking.ts';
import { loadManaged, manageHome, type ManageRoute } from './managed-booking.ts';

type Route = ManageRoute & { Querystring: BookerQuery };

/** Rescheduling is its own step: the same calendar, then "Move to …?" before anything happens. */
export async function rescheduleBookingRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const eventTypes = new EventTypeRepository(s.kernel.database.db);

  async function render(request: FastifyRequest<Route>, reply: FastifyReply, token: unknown, alert?: Html) {
    const m = await loadManaged(s, request, token);
    if (!m) return sendPage(reply, 404, BAD_LINK);
    const eventType = await eventTypes.findById(m.booking.eventTypeId);
    if (m.booking.status !== 'active' || !eventType?.active) return seeOther(reply, m.home);
    const query = alert ? { tz: request.query.tz ?? m.tz } : { ...request.query, tz: request.query.tz ?? m.tz };
    const state = await readBooker(s, { ...eventType, durations: [m.booking.durationMin] }, query, m.prefs);
    const path = `/booking/${m.booking.id}/reschedule`;
    const csrfToken = deps.csrf.token(request, reply);
    return sendPage(
      reply,
      alert ? 409 : 200,
      page({
        title: `Reschedule ${m.booking.eventTypeName}`,
        wide: true,
        ...BOOKER_ASSETS,
        body: booker({
          place: { path, keep: { token: m.token } },
          state,
          hostName: m.hostName,
          eventType,
          heading: `Reschedule ${m.booking.eventTypeName}`,
          alert: html`${alert ?? ''}<p class="hint">Now booked for ${timeOfBooking(m)}. <a href="${m.home}">Keep this time</a></p>`,
          picked: (slot) => html`<section aria-labelledby="move-heading"><h2 id="move-heading">Move to this time?</h2>
${pickedTime(state, slot)}
<form method="post" action="${path}">${csrfField(csrfToken)}<input type="hidden" name="token" value="${m.token}"><input type="hidden" name="start" value="${toIsoUtc(slot.start)}">
<div class="actions"><button type="submit">Reschedule to this time</button><a class="button secondary" href="${m.home}">Keep the current time</a></div></form></section>`,
          now: s.kernel.clock.now(),
        }),
      }),
    );
  }

  app.get<Route>('/booking/:id/reschedule', { schema: { hide: true } }, async (request, reply) =>
    render(request, reply, request.query.token),
  );

  app.post<Route>(
    '/booking/:id/reschedule',
    { schema: { hide: true }, preHandler: deps.publicLimits ?? [] },
    async (request, reply) => {
      const token = field(request.body, 'token');
      const m = await loadManaged(s, request, token);
      if (!m) return sendPage(reply, 404, BAD_LINK);
      try {
        const moved = await s.bookings.rescheduleById(m.booking.id, { start: field(request.body, 'start') });
        return seeOther(reply, manageHome(s, moved.id));
      } catch (error) {
        if (!(error instanceof SchedulingError) || error.status === 404) throw error;
        return render(
          request,
          reply,
          token,
          html`<p class="error" role="alert">That time is no longer free. Please pick another one.</p>`,
        );
      }
    },
  );
}

function timeOfBooking(m: NonNullable<Awaited<ReturnType<typeof loadManaged>>>): string {
  return new Intl.DateTimeFormat(m.prefs.dateLocale, {
    dateStyle: 'full',
    timeStyle: 'short',
    hourCycle: m.cycle,
    timeZone: m.tz,
  }).format(m.booking.startAt);
}
