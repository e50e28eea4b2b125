import type { FastifyInstance, FastifyReply } from 'fastify';
import { SchedulingError } from '../../errors.ts';
import type { EventType, EventTypeInput, LocationKind } from '../../event-types/event-type.ts';
import { sendPage, type PageDeps } from '../page-deps.ts';
import type { EventTypeFormValues } from '../views/event-type-form-view.ts';
import type { FieldErrors } from '../views/field-errors.ts';
import { deleteConfirmationPage } from '../views/host/delete-confirmation.ts';
import { eventTypeFormPage } from '../views/host/event-type-page.ts';
import { hostAction, hostContext, type HostContext } from './host-context.ts';
import { withNotice } from './notices.ts';
import { fieldErrorsFrom } from './service-errors.ts';

type Params = { Params: { id: string } };

/** Where each of the service's fields is on the form. */
const FIELDS: Record<string, string> = {
  name: 'et-name',
  slug: 'et-slug',
  durations: 'et-durations',
  location: 'et-location',
  'location.value': 'et-location-value',
  description: 'et-description',
  bufferBeforeMin: 'et-before',
  bufferAfterMin: 'et-after',
  minimumNoticeMin: 'et-notice',
  dailyLimit: 'et-limit',
  bookingWindowDays: 'et-window',
  slotIntervalMin: 'et-interval',
  scheduleId: 'et-schedule',
};

/** New, edit, turn on/off and delete event types; a refused form comes back filled in, each problem at its field. */
export async function eventTypeFormRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;

  const render = async (
    reply: FastifyReply,
    c: HostContext,
    status: number,
    values: EventTypeFormValues,
    errors: FieldErrors,
    editing?: EventType,
  ) =>
    sendPage(
      reply,
      status,
      eventTypeFormPage({
        c,
        values,
        errors,
        editing,
        schedules: await s.schedules.list(c.user.id),
        pagePrefix: `${s.kernel.config.ISSUER}/${c.host.slug}/`,
      }),
    );

  /** Reads, checks and saves the form; refusals re-render it. */
  const save = async (reply: FastifyReply, c: HostContext, body: unknown, editing?: EventType) => {
    const values = formValues(body);
    const { input, errors } = readEventTypeForm(values);
    if (Object.keys(errors).length) return render(reply, c, 400, values, errors, editing);
    try {
      if (editing) await s.eventTypes.update(c.user.id, editing.id, { ...input, slug: input.slug ?? editing.slug });
      else await s.eventTypes.create(c.user.id, input);
    } catch (error) {
      if (!(error instanceof SchedulingError) || error.status === 404) throw error;
      return render(reply, c, error.status, values, fieldErrorsFrom(error, FIELDS), editing);
    }
    return reply.redirect(withNotice('/scheduling', editing ? 'event-saved' : 'event-created'), 303);
  };

  app.get('/scheduling/event-types/new', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    return render(reply, c, 200, formValues({ durations: '30' }), {});
  });

  app.post('/scheduling/event-types', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    return save(reply, c, request.body);
  });

  app.get<Params>('/scheduling/event-types/:id', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const eventType = await s.eventTypes.get(c.user.id, request.params.id);
    return render(reply, c, 200, valuesOf(eventType), {}, eventType);
  });

  app.post<Params>('/scheduling/event-types/:id', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    return save(reply, c, request.body, await s.eventTypes.get(c.user.id, request.params.id));
  });

  app.post<Params>('/scheduling/event-types/:id/toggle', { schema: { hide: true } }, async (request, reply) =>
    hostAction(deps, request, reply, async (c) => {
      const current = await s.eventTypes.get(c.user.id, request.params.id);
      await s.eventTypes.update(c.user.id, current.id, { active: !current.active });
      return withNotice('/scheduling', current.active ? 'event-off' : 'event-on');
    }),
  );

  app.get<Params>('/scheduling/event-types/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const eventType = await s.eventTypes.get(c.user.id, request.params.id);
    const page = deleteConfirmationPage(c, {
      tab: 'event-types',
      name: eventType.name,
      consequence:
        'Its booking page stops taking bookings at once. Bookings already made stay on your calendar and can still be managed.',
      action: `/scheduling/event-types/${eventType.id}/delete`,
      back: '/scheduling',
    });
    return sendPage(reply, 200, page);
  });

  app.post<Params>('/scheduling/event-types/:id/delete', { schema: { hide: true } }, async (request, reply) =>
    hostAction(deps, request, reply, async (c) => {
      await s.eventTypes.delete(c.user.id, request.params.id);
      return withNotice('/scheduling', 'event-deleted');
    }),
  );
}

function formValues(body: unknown): EventTypeFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof b[name] === 'string' ? (b[name] as string).trim() : '');
  return {
    name: text('name'),
    slug: text('slug'),
    durations: text('durations'),
    location_kind: text('location_kind') || 'google_meet',
    location_value: text('location_value'),
    description: text('description'),
    buffer_before: text('buffer_before'),
    buffer_after: text('buffer_after'),
    minimum_notice: text('minimum_notice'),
    daily_limit: text('daily_limit'),
    booking_window: text('booking_window'),
    slot_interval: text('slot_interval'),
    schedule_id: text('schedule_id'),
  };
}

function valuesOf(e: EventType): EventTypeFormValues {
  const num = (v: number | null) => (v === null ? '' : String(v));
  return {
    name: e.name,
    slug: e.slug,
    durations: e.durations.join(', '),
    location_kind: e.location.kind,
    location_value: e.location.value ?? '',
    description: e.description ?? '',
    buffer_before: String(e.bufferBeforeMin),
    buffer_after: String(e.bufferAfterMin),
    minimum_notice: String(e.minimumNoticeMin),
    daily_limit: num(e.dailyLimit),
    booking_window: num(e.bookingWindowDays),
    slot_interval: num(e.slotIntervalMin),
    schedule_id: e.scheduleId ?? '',
  };
}

/** The form as an event type; numbers it cannot read are refused here, in the form's words. */
function readEventTypeForm(v: EventTypeFormValues): { input: EventTypeInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const whole = (id: string, text: string): number | null => {
    if (!text) return null;
    const value = Number(text);
    if (Number.isInteger(value)) return value;
    errors[id] = 'Enter a whole number of minutes, or leave it empty.';
    return null;
  };
  const parts = (v.durations || '30').split(',').map((part) => part.trim());
  const durations = parts.filter(Boolean).map(Number);
  if (durations.some((d) => !Number.isInteger(d)))
    errors['et-durations'] = 'Enter minutes as whole numbers separated by commas, like 30, 60.';
  const input: EventTypeInput = {
    name: v.name,
    ...(v.slug ? { slug: v.slug } : {}),
    description: v.description || null,
    durations,
    location: { kind: v.location_kind as LocationKind, ...(v.location_value ? { value: v.location_value } : {}) },
    bufferBeforeMin: whole('et-before', v.buffer_before) ?? 0,
    bufferAfterMin: whole('et-after', v.buffer_after) ?? 0,
    minimumNoticeMin: whole('et-notice', v.minimum_notice) ?? 0,
    dailyLimit: whole('et-limit', v.daily_limit),
    bookingWindowDays: whole('et-window', v.booking_window),
    slotIntervalMin: whole('et-interval', v.slot_interval),
    scheduleId: v.schedule_id || null,
  };
  return { input, errors };
}
