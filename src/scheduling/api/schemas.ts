import { Type } from '@sinclair/typebox';
import { OrNull, StringEnum } from '../../kernel/http/plain-schemas.ts';
import { LOCATION_KINDS } from '../event-types/event-type.ts';
import { WEEKDAYS } from '../schedules/schedule.ts';
import { WEBHOOK_EVENTS } from '../bookings/booking-events.ts';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Clock = Type.String({ description: 'local time HH:MM (end may be 24:00)', examples: ['09:00'] });

export const IdParams = Type.Object({ id: Id });

export const ErrorBody = Type.Object(
  {
    title: Type.String(),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(
        Type.Object(
          { path: Type.Array(Type.Unsafe<string | number>({ type: ['string', 'integer'] })), message: Type.String() },
          { title: 'ErrorDetail' },
        ),
      ),
    ),
  },
  { title: 'Error', description: 'Every error: 400 lists each field in details; 401, 403, 404, 409, 429.' },
);

export const UserJson = Type.Object(
  {
    id: Type.String(),
    email: OrNull(Type.String()),
    name: OrNull(Type.String()),
    slug: Type.String(),
    timezone: Type.String(),
  },
  { title: 'User', description: 'The person the token acts for' },
);

export const LocationJson = Type.Object(
  {
    kind: StringEnum(LOCATION_KINDS),
    value: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { title: 'Location' },
);

export const EventTypeJson = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    slug: Type.String(),
    url: Type.String({ description: 'the public booking page' }),
    kind: Type.Literal('one_on_one'),
    durations: Type.Array(Type.Integer(), { description: 'minutes; the first is the default' }),
    description: Type.Optional(Type.String()),
    location: LocationJson,
    bufferBeforeMin: Type.Integer(),
    bufferAfterMin: Type.Integer(),
    minimumNoticeMin: Type.Integer(),
    dailyLimit: Type.Optional(Type.Integer()),
    bookingWindowDays: Type.Optional(Type.Integer()),
    slotIntervalMin: Type.Optional(Type.Integer()),
    scheduleId: Type.Optional(Type.String()),
    active: Type.Boolean(),
  },
  { title: 'EventType' },
);

const eventTypeFields = {
  name: Type.String({ maxLength: 100 }),
  slug: Type.String({ maxLength: 50 }),
  description: OrNull(Type.String({ maxLength: 5000 })),
  durations: Type.Array(Type.Integer(), { maxItems: 10 }),
  location: LocationJson,
  bufferBeforeMin: Type.Integer(),
  bufferAfterMin: Type.Integer(),
  minimumNoticeMin: Type.Integer(),
  dailyLimit: OrNull(Type.Integer()),
  bookingWindowDays: OrNull(Type.Integer()),
  slotIntervalMin: OrNull(Type.Integer()),
  scheduleId: OrNull(Id),
  active: Type.Boolean(),
};
export const EventTypeCreate = Type.Object(
  { ...Type.Partial(Type.Object(eventTypeFields)).properties, name: eventTypeFields.name },
  { title: 'EventTypeCreate', additionalProperties: false },
);
export const EventTypePatch = Type.Partial(Type.Object(eventTypeFields), {
  title: 'EventTypeUpdate',
  additionalProperties: false,
});

const Interval = Type.Object({ start: Clock, end: Clock }, { title: 'TimeInterval', additionalProperties: false });
const Weekly = Type.Object(
  { day: StringEnum(WEEKDAYS), start: Clock, end: Clock },
  { title: 'WeeklyInterval', additionalProperties: false },
);
const Override = Type.Object(
  {
    date: Type.String({ description: 'YYYY-MM-DD' }),
    intervals: Type.Array(Interval, { maxItems: 24, description: 'empty: closed that day' }),
  },
  { title: 'DateOverride', additionalProperties: false },
);
const Ooo = Type.Object(
  {
    from: Type.String({ description: 'YYYY-MM-DD, inclusive' }),
    to: Type.String({ description: 'YYYY-MM-DD, inclusive' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { title: 'OutOfOffice', additionalProperties: false },
);

export const ScheduleJson = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    timezone: Type.String(),
    isDefault: Type.Boolean(),
    weekly: Type.Array(Weekly),
    overrides: Type.Array(Override),
    outOfOffice: Type.Array(Ooo),
  },
  { title: 'Schedule' },
);
const scheduleFields = {
  name: Type.String({ maxLength: 100 }),
  timezone: Type.String({ maxLength: 100 }),
  isDefault: Type.Boolean(),
  weekly: Type.Array(Weekly, { maxItems: 100 }),
  overrides: Type.Array(Override, { maxItems: 1000 }),
  outOfOffice: Type.Array(Ooo, { maxItems: 1000 }),
};
export const ScheduleWrite = Type.Partial(Type.Object(scheduleFields), {
  title: 'ScheduleInput',
  additionalProperties: false,
});

export const SlotJson = Type.Object(
  {
    start: Type.String({ description: 'ISO 8601 UTC' }),
    end: Type.String(),
    localStart: Type.String({ description: 'ISO 8601 in the tz asked for' }),
    localEnd: Type.String(),
  },
  { title: 'Slot' },
);
export const AvailabilityQuery = Type.Object({
  eventTypeId: Id,
  from: Type.Optional(
    Type.String({ description: 'ISO 8601 instant, or a date YYYY-MM-DD (midnight in tz); default now' }),
  ),
  to: Type.Optional(
    Type.String({
      description:
        'ISO 8601 instant, or a date YYYY-MM-DD (end of that day in tz); default from + 7 days; at most 31 days after from',
    }),
  ),
  duration: Type.Optional(Type.Integer({ description: 'minutes; one of the event type durations; default the first' })),
  tz: Type.Optional(
    Type.String({ description: 'IANA time zone for dates and local times; default the schedule time zone' }),
  ),
});
export const AvailabilityJson = Type.Object(
  { eventTypeId: Type.String(), durationMin: Type.Integer(), timezone: Type.String(), slots: Type.Array(SlotJson) },
  { title: 'Availability' },
);

export const BookingJsonSchema = Type.Object(
  {
    id: Type.String(),
    eventTypeId: Type.String(),
    eventTypeName: Type.String(),
    hostId: Type.String(),
    hostSlug: Type.String(),
    startAt: Type.String(),
    endAt: Type.String(),
    durationMin: Type.Integer(),
    status: StringEnum(['active', 'canceled']),
    location: Type.Object({ kind: Type.String(), value: Type.Optional(Type.String()) }),
    invitee: Type.Object({ name: Type.String(), email: Type.String(), timezone: Type.String() }, { title: 'Invitee' }),
    cancelReason: Type.Optional(Type.String()),
    rescheduledFromId: Type.Optional(Type.String()),
    rescheduledToId: Type.Optional(Type.String()),
    createdAt: Type.String(),
  },
  { title: 'Booking' },
);
export const BookingListQuery = Type.Object({
  status: Type.Optional(StringEnum(['active', 'canceled', 'past'])),
  from: Type.Optional(Type.String({ description: 'start at or after (ISO 8601 instant or date, UTC)' })),
  to: Type.Optional(Type.String({ description: 'start before (ISO 8601 instant or date, UTC)' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
});
export const BookingCreate = Type.Object(
  {
    eventTypeId: Id,
    start: Type.String({ description: 'ISO 8601 instant of a free slot' }),
    durationMin: Type.Optional(Type.Integer()),
    invitee: Type.Object(
      {
        name: Type.String({ maxLength: 200 }),
        email: Type.String({ maxLength: 254 }),
        timezone: Type.String({ maxLength: 100 }),
      },
      { title: 'InviteeInput', additionalProperties: false },
    ),
  },
  { title: 'BookingCreate', additionalProperties: false },
);
export const RescheduleBody = Type.Object(
  { start: Type.String(), reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { title: 'RescheduleRequest', additionalProperties: false },
);
export const CancelQuery = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) });

export const WebhookJson = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    active: Type.Boolean(),
    consecutiveFailures: Type.Integer(),
    disabledReason: Type.Optional(Type.String()),
    createdAt: Type.String(),
  },
  { title: 'Webhook' },
);
export const WebhookCreate = Type.Object(
  {
    url: Type.String({ maxLength: 2000 }),
    events: Type.Optional(Type.Array(StringEnum(WEBHOOK_EVENTS), { maxItems: 3 })),
  },
  { title: 'WebhookCreate', additionalProperties: false },
);
export const DeliveryJson = Type.Object(
  {
    id: Type.String(),
    event: Type.String(),
    status: Type.String(),
    attempts: Type.Integer(),
    lastStatusCode: OrNull(Type.Integer()),
    lastError: OrNull(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { title: 'WebhookDelivery' },
);

/** The list answers, each named in the OpenAPI document. */
export const EventTypeList = Type.Object({ eventTypes: Type.Array(EventTypeJson) }, { title: 'EventTypeList' });
export const ScheduleList = Type.Object({ schedules: Type.Array(ScheduleJson) }, { title: 'ScheduleList' });
export const BookingPage = Type.Object(
  { bookings: Type.Array(BookingJsonSchema), nextCursor: OrNull(Type.String()) },
  { title: 'BookingPage' },
);
export const WebhookList = Type.Object({ webhooks: Type.Array(WebhookJson) }, { title: 'WebhookList' });
export const WebhookDeliveryList = Type.Object(
  { deliveries: Type.Array(DeliveryJson) },
  { title: 'WebhookDeliveryList' },
);
export const WebhookWithSecret = Type.Composite(
  [
    WebhookJson,
    Type.Object({ secret: Type.String({ description: 'shown once: verify X-Caledee-Signature with it' }) }),
  ],
  { title: 'WebhookWithSecret' },
);

/** The 4xx answers a guarded route documents. */
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody };
