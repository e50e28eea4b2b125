import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type Html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { SchedulingError, type ErrorDetail } from '../../errors.ts';
import type { EventType } from '../../event-types/event-type.ts';
import { publicHostName } from '../../hosts/display-name.ts';
import { parseInstant } from '../../time.ts';
import { field, message, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import { booker } from '../views/booker/booker-view.ts';
import { detailsForm } from '../views/booker/details-form.ts';
import type { FieldErrors } from '../views/field-errors.ts';
import { localIsoDate } from '../visitor/format.ts';
import { visitorPrefs } from '../visitor/visitor-prefs.ts';
import { resolveZone } from '../visitor/zone-list.ts';
import { BOOKER_ASSETS } from '../assets/page-assets.ts';
import { readBooker, type BookerQuery } from './booker-state.ts';

type Route = { Params: { hostSlug: string; eventSlug: string }; Querystring: BookerQuery };

interface Refusal {
  status: number;
  alert?: Html;
  values?: { name: string; email: string };
  errors?: FieldErrors;
}

/** The public booking page of an active event type: month, day, time, then name and email. */
export async function bookingPageRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const find = async (request: FastifyRequest<Route>) =>
    s.eventTypes.findPublic(request.params.hostSlug, request.params.eventSlug);

  async function render(
    request: FastifyRequest<Route>,
    reply: FastifyReply,
    found: { eventType: EventType; hostSlug: string },
    query: BookerQuery,
    refusal?: Refusal,
  ) {
    const { eventType, hostSlug } = found;
    const path = `/${hostSlug}/${eventType.slug}`;
    const [state, person] = await Promise.all([
      readBooker(s, eventType, query, visitorPrefs(request)),
      s.hosts.person(eventType.userId),
    ]);
    const hostName = publicHostName(person, hostSlug);
    const csrfToken = deps.csrf.token(request, reply);
    return sendPage(
      reply,
      refusal?.status ?? 200,
      page({
        title: `${eventType.name} with ${hostName}`,
        wide: true,
        ...BOOKER_ASSETS,
        body: booker({
          place: { path, keep: {} },
          state,
          hostName,
          eventType,
          heading: eventType.name,
          picked: (slot) => detailsForm(path, csrfToken, state, slot, refusal?.values, refusal?.errors),
          alert: refusal?.alert,
          now: s.kernel.clock.now(),
        }),
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
      const values = { name: field(body, 'name'), email: field(body, 'email') };
      const query: BookerQuery = {
        tz: field(body, 'tz'),
        duration: field(body, 'duration'),
        clock: field(body, 'clock'),
      };
      try {
        const booking = await s.bookings.create(
          found.eventType,
          {
            start: field(body, 'start'),
            durationMin: Number(field(body, 'duration')) || undefined,
            invitee: { ...values, timezone: field(body, 'tz') },
          },
          { perInviteePerDay: s.kernel.config.BOOKINGS_PER_INVITEE_PER_DAY },
        );
        return seeOther(reply, `/booking/${booking.id}?token=${s.manageLinks.token(booking.id)}`);
      } catch (error) {
        if (!(error instanceof SchedulingError)) throw error;
        if (error.status === 429) return sendPage(reply, 429, message('Too many bookings', error.message));
        if (error.status === 409)
          // Back to the same day, without the taken time: its other times are the next best.
          return render(
            request,
            reply,
            found,
            { ...query, date: dayOf(field(body, 'start'), query.tz) },
            {
              status: 409,
              alert: html`<p class="error" role="alert">That time was just taken. Please pick another one.</p>`,
            },
          );
        const errors = inviteeErrors(error.details ?? []);
        return render(
          request,
          reply,
          found,
          { ...query, start: field(body, 'start') },
          {
            status: error.status,
            values,
            errors: Object.keys(errors).length ? errors : { form: error.message },
          },
        );
      }
    },
  );
}

/** The calendar date of a posted start in the posted zone (undefined when either is unreadable). */
function dayOf(start: string, tz: string | undefined): string | undefined {
  const ms = parseInstant(start);
  const zone = resolveZone(tz);
  return ms === undefined || !zone ? undefined : localIsoDate(ms, zone);
}

/** The service's field problems in the words of this form. */
function inviteeErrors(details: ErrorDetail[]): FieldErrors {
  const errors: FieldErrors = {};
  const at = (path: string) => details.some((d) => d.path.join('.') === path);
  if (at('invitee.name')) errors.name = 'Enter your name (at most 200 characters).';
  if (at('invitee.email')) errors.email = 'Enter your email address, like name@example.com.';
  return errors;
}
