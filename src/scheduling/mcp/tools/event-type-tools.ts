import { z } from 'zod';
import { eventTypeToJson } from '../../api/to-json.ts';
import { LOCATION_KINDS } from '../../event-types/event-type.ts';
import { args, type SchedulingTool } from '../tool.ts';

const fields = {
  name: z.string().max(100),
  slug: z.string().max(50).optional(),
  description: z.string().max(5000).optional(),
  durations: z.array(z.number().int()).max(10).optional().describe('minutes, default first, e.g. [45]'),
  location: z.object({ kind: z.enum(LOCATION_KINDS), value: z.string().max(500).optional() }).optional(),
  minimumNoticeMin: z.number().int().optional(),
  bufferBeforeMin: z.number().int().optional(),
  bufferAfterMin: z.number().int().optional(),
  active: z.boolean().optional(),
};

/** list_event_types, create_event_type, update_event_type, get_booking_link. */
export const eventTypeTools: SchedulingTool[] = [
  {
    name: 'list_event_types',
    scope: 'read:event-types',
    readOnly: true,
    title: 'List event types',
    description: 'The host’s event types with their booking links.',
    input: {},
    async run(s, userId) {
      const host = await s.hosts.ensure(userId);
      return {
        eventTypes: (await s.eventTypes.list(userId)).map((e) => eventTypeToJson(e, host.slug, s.kernel.config.ISSUER)),
      };
    },
  },
  {
    name: 'create_event_type',
    scope: 'write:event-types',
    readOnly: false,
    title: 'Create an event type',
    description: 'A new bookable event type, e.g. a 45-minute "Demo": name and durations in minutes.',
    input: fields,
    async run(s, userId, a) {
      const host = await s.hosts.ensure(userId);
      return eventTypeToJson(
        await s.eventTypes.create(userId, args<Record<string, never>>(a)),
        host.slug,
        s.kernel.config.ISSUER,
      );
    },
  },
  {
    name: 'update_event_type',
    scope: 'write:event-types',
    readOnly: false,
    title: 'Update an event type',
    description: 'Changes name, durations, status (active) or other fields of an event type.',
    input: { id: z.string().min(1).max(100), ...fields, name: fields.name.optional() },
    async run(s, userId, a) {
      const { id, ...changes } = args<{ id: string } & Record<string, never>>(a);
      const host = await s.hosts.ensure(userId);
      return eventTypeToJson(await s.eventTypes.update(userId, id, changes), host.slug, s.kernel.config.ISSUER);
    },
  },
  {
    name: 'get_booking_link',
    scope: 'read:event-types',
    readOnly: true,
    title: 'Get a booking link',
    description: 'The public booking page URL of an event type, to send to someone.',
    input: { id: z.string().min(1).max(100) },
    async run(s, userId, a) {
      const host = await s.hosts.ensure(userId);
      const eventType = await s.eventTypes.get(userId, args<{ id: string }>(a).id);
      return { url: `${s.kernel.config.ISSUER}/${host.slug}/${eventType.slug}`, active: eventType.active };
    },
  },
];
