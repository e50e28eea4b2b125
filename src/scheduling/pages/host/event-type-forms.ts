import type { FastifyInstance } from 'fastify';
import { displayName } from '../../../accounts/index.ts';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import type { EventTypeInput, LocationKind } from '../../event-types/event-type.ts';
import { parseNumberList, parseOptionalInt } from '../form-parsing.ts';
import { field, sendPage, signedIn, type PageDeps } from '../page-deps.ts';
import { csrfField } from '../views/errors-view.ts';
import { eventTypeFields } from '../views/event-type-form-view.ts';
import { formAction } from './dashboard.ts';

/** An event type from the form's fields. */
function readEventTypeForm(body: unknown): EventTypeInput {
  const value = field(body, 'location_value');
  return {
    name: field(body, 'name'),
    ...(field(body, 'slug') ? { slug: field(body, 'slug') } : {}),
    description: field(body, 'description') || null,
    durations: parseNumberList(field(body, 'durations') || '30', 'durations'),
    location: { kind: (field(body, 'location_kind') || 'google_meet') as LocationKind, ...(value ? { value } : {}) },
    bufferBeforeMin: parseOptionalInt(field(body, 'buffer_before'), 'bufferBeforeMin') ?? 0,
    bufferAfterMin: parseOptionalInt(field(body, 'buffer_after'), 'bufferAfterMin') ?? 0,
    minimumNoticeMin: parseOptionalInt(field(body, 'minimum_notice'), 'minimumNoticeMin') ?? 0,
    dailyLimit: parseOptionalInt(field(body, 'daily_limit'), 'dailyLimit'),
    bookingWindowDays: parseOptionalInt(field(body, 'booking_window'), 'bookingWindowDays'),
    slotIntervalMin: parseOptionalInt(field(body, 'slot_interval'), 'slotIntervalMin'),
    scheduleId: field(body, 'schedule_id') || null,
  };
}

/** Create, edit, turn on/off and delete event types from /scheduling. */
export async function eventTypeFormRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  app.post('/scheduling/event-types', { schema: { hide: true } }, async (request, reply) =>
    formAction(deps, request, reply, async (user) => {
      await s.eventTypes.create(user.id, readEventTypeForm(request.body));
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/scheduling/event-types/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const user = await signedIn(deps, request, reply);
      if (!user) return reply;
      const eventType = await s.eventTypes.get(user.id, request.params.id);
      const schedules = await s.schedules.list(user.id);
      const csrfToken = deps.csrf.token(request, reply);
      return sendPage(
        reply,
        200,
        page({
          title: `Edit ${eventType.name}`,
          signedInAs: displayName(user),
          body: html`<h1>Edit ${eventType.name}</h1>
<form method="post" action="/scheduling/event-types/${eventType.id}">${csrfField(csrfToken)}${eventTypeFields(eventType, schedules)}<button type="submit">Save</button></form>
<p><a href="/scheduling">Back</a></p>`,
        }),
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/scheduling/event-types/:id',
    { schema: { hide: true } },
    async (request, reply) =>
      formAction(deps, request, reply, async (user) => {
        const input = readEventTypeForm(request.body);
        await s.eventTypes.update(user.id, request.params.id, {
          ...input,
          slug: input.slug ?? (await s.eventTypes.get(user.id, request.params.id)).slug,
        });
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/scheduling/event-types/:id/toggle',
    { schema: { hide: true } },
    async (request, reply) =>
      formAction(deps, request, reply, async (user) => {
        const current = await s.eventTypes.get(user.id, request.params.id);
        await s.eventTypes.update(user.id, current.id, { active: !current.active });
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/scheduling/event-types/:id/delete',
    { schema: { hide: true } },
    async (request, reply) =>
      formAction(deps, request, reply, async (user) => {
        await s.eventTypes.delete(user.id, request.params.id);
      }),
  );
}
