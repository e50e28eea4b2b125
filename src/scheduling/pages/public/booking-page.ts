import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { SchedulingError } from '../../errors.ts';
import type { EventType } from '../../event-types/event-type.ts';
import { toIsoUtc } from '../../time.ts';
import { field, message, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import { csrfField, errorBlock } from '../views/errors-view.ts';
import { localWhen, slotPicker } from '../views/slot-picker-view.ts';
import { readPicker, type PickerQuery } from './picker-query.ts';

type Route = { Params: { hostSlug: string; eventSlug: string }; Querystring: PickerQuery };

/** The public booking page of an active event type: pick a day and a time, give name and email, book. */
export async function bookingPageRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const find = async (request: FastifyRequest<Route>) =>
    s.eventTypes.findPublic(request.params.hostSlug, request.params.eventSlug);

  async function render(
    request: FastifyRequest<Route>,
    reply: FastifyReply,
    found: { eventType: EventType; hostSlug: string },
    query: PickerQuery,
    error?: SchedulingError,
    filled: Record<string, string> = {},
  ) {
    const { eventType, hostSlug } = found;
    const path = `/${hostSlug}/${eventType.slug}`;
    const picker = await readPicker(s, eventType, query);
    const host = await s.hosts.person(eventType.userId);
    const csrfToken = deps.csrf.token(request, reply);
    const form = picker.start
      ? html`<h2>Your details</h2><p>${localWhen(picker.start.start, picker.tz)}, ${picker.duration} minutes</p>
<form method="post" action="${path}">${csrfField(csrfToken)}
<input type="hidden" name="start" value="${toIsoUtc(picker.start.start)}"><input type="hidden" name="tz" value="${picker.tz}"><input type="hidden" name="duration" value="${picker.duration}">
<label for="name">Your name</label><input id="name" name="name" value="${filled.name ?? ''}" autocomplete="name" required>
<label for="email">Your email</label><input id="email" type="email" name="email" value="${filled.email ?? ''}" autocomplete="email" required>
<button type="submit">Book</button></form>`
      : '';
    return sendPage(
      reply,
      error?.status ?? 200,
      page({
        title: `${eventType.name} with ${host.name ?? hostSlug}`,
        body: html`<h1>${eventType.name}</h1><p>with ${host.name ?? hostSlug} · ${eventType.durations.join(' or ')} minutes</p>
${eventType.description ? html`<p>${eventType.description}</p>` : ''}
${errorBlock(error)}
${slotPicker({ path, keep: {}, tz: picker.tz, duration: picker.duration, durations: eventType.durations, slots: picker.slots, date: picker.date })}
${form}
<script src="/scheduling/assets/booking.js"></script>`,
      }),
    );
  }

  app.get<Route>('/:hostSlug/:eventSlug', { schema: { hide: true } }, async (request, reply) => {
    const found = await find(request);
    if (!found) return sendPage(reply, 404, message('Not found', 'There is no booking page at this address.'));
    return render(request, reply, found, request.query);
  });

  app.post<Route>(
    '/:hostSlug/:eventSlug',
    { schema: { hide: true }, preHandler: deps.publicLimits ?? [] },
    async (request, reply) => {
      const found = await find(request);
      if (!found) return sendPage(reply, 404, message('Not found', 'There is no booking page at this address.'));
      const body = request.body;
      const tz = field(body, 'tz');
      try {
        const booking = await s.bookings.create(
          found.eventType,
          {
            start: field(body, 'start'),
            durationMin: Number(field(body, 'duration')) || undefined,
            invitee: { name: field(body, 'name'), email: field(body, 'email'), timezone: tz },
          },
          { perInviteePerDay: s.kernel.config.BOOKINGS_PER_INVITEE_PER_DAY },
        );
        return seeOther(reply, `/booking/${booking.id}?token=${s.manageLinks.token(booking.id)}`);
      } catch (error) {
        if (!(error instanceof SchedulingError)) throw error;
        if (error.status === 429) return sendPage(reply, 429, message('Too many bookings', error.message));
        const taken = error.status === 409;
        const query = { tz, duration: field(body, 'duration'), ...(taken ? {} : { start: field(body, 'start') }) };
        const shown = taken
          ? new SchedulingError(409, 'Conflict', 'That time was just taken. Please pick another one.')
          : error;
        return render(request, reply, found, query, shown, { name: field(body, 'name'), email: field(body, 'email') });
      }
    },
  );
}
