import { z } from 'zod';
import { bookingToJson } from '../../bookings/booking-json.ts';
import { DAY } from '../../time.ts';
import { args, type SchedulingTool } from '../tool.ts';

const id = z.string().min(1).max(100);

/** list_bookings, get_booking, cancel_booking, reschedule_booking, get_stats. */
export const bookingTools: SchedulingTool[] = [
  {
    name: 'list_bookings',
    scope: 'read:bookings',
    readOnly: true,
    title: 'List bookings',
    description:
      'Bookings newest first: upcoming (status "active"), "past" or "canceled". Pass nextCursor back as cursor for more.',
    input: {
      status: z.enum(['active', 'past', 'canceled']).optional(),
      limit: z.number().int().min(1).max(100).optional(),
      cursor: z.string().max(300).optional(),
    },
    async run(s, userId, a) {
      const { status, limit, cursor } = args<{
        status?: 'active' | 'past' | 'canceled';
        limit?: number;
        cursor?: string;
      }>(a);
      const page = await s.bookings.list(userId, { status, limit: limit ?? 20, cursor });
      return { bookings: page.bookings.map(bookingToJson), nextCursor: page.nextCursor };
    },
  },
  {
    name: 'get_booking',
    scope: 'read:bookings',
    readOnly: true,
    title: 'Get a booking',
    description: 'One booking by id.',
    input: { id },
    run: async (s, userId, a) => bookingToJson(await s.bookings.get(userId, args<{ id: string }>(a).id)),
  },
  {
    name: 'cancel_booking',
    scope: 'write:bookings',
    readOnly: false,
    title: 'Cancel a booking',
    description: 'Cancels a booking; the invitee is notified by email. Cancelling twice answers the same.',
    input: { id, reason: z.string().max(1000).optional() },
    async run(s, userId, a) {
      const { id: bookingId, reason } = args<{ id: string; reason?: string }>(a);
      return bookingToJson(await s.bookings.cancel(userId, bookingId, reason));
    },
  },
  {
    name: 'reschedule_booking',
    scope: 'write:bookings',
    readOnly: false,
    title: 'Reschedule a booking',
    description:
      'Moves a booking to a free slot (ISO 8601 start). A new booking is made and the old one canceled "Rescheduled."; the invitee is notified.',
    input: { id, start: z.string().max(40), reason: z.string().max(1000).optional() },
    async run(s, userId, a) {
      const { id: bookingId, start, reason } = args<{ id: string; start: string; reason?: string }>(a);
      return bookingToJson(await s.bookings.reschedule(userId, bookingId, { start, reason }));
    },
  },
  {
    name: 'get_stats',
    scope: 'read:bookings',
    readOnly: true,
    title: 'Booking statistics',
    description:
      'Bookings over the last N days (default 30): total, canceled, held, no-shows and the no-show rate of held meetings.',
    input: { days: z.number().int().min(1).max(366).optional() },
    async run(s, userId, a) {
      const days = args<{ days?: number }>(a).days ?? 30;
      const now = s.kernel.clock.now();
      return { days, ...(await s.bookings.stats(userId, now - days * DAY, now)) };
    },
  },
];
